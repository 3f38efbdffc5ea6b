import { envValue, type Env } from './env.ts';

/** Parse's REST API and LiveQuery WebSocket (for apps on Parse's SDKs). */
export interface RestConfig {
  /** Serve the REST API and LiveQuery (PLINTH_REST, default true). */
  enabled: boolean;
  /** Mount path (PLINTH_REST_PATH, default /parse): the SDK's serverURL is <publicUrl><path>. */
  path: string;
  /**
   * Parse's optional client keys (PLINTH_REST_API_KEY, PLINTH_JAVASCRIPT_KEY, PLINTH_CLIENT_KEY,
   * PLINTH_DOTNET_KEY): when any is set, a request without the master key must carry one of them.
   */
  clientKeys: { restApiKey?: string; javascriptKey?: string; clientKey?: string; dotNetKey?: string };
  /** Let clients without the master key create classes by saving their first object (PLINTH_ALLOW_CLIENT_CLASS_CREATION, default false, as Parse 8+). */
  allowClientClassCreation: boolean;
}

export type RestConfigInput = Partial<Omit<RestConfig, 'clientKeys'>> & { clientKeys?: RestConfig['clientKeys'] };

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name)?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function mountPath(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, '');
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(trimmed) || trimmed === '' || trimmed.includes('//'))
    throw new Error(`PLINTH_REST_PATH must be a path such as /parse, got "${value}"`);
  return trimmed;
}

/** Reads the REST part of the configuration; overrides win. */
export function loadRestConfig(env: Env, overrides: RestConfigInput = {}): RestConfig {
  const key = (name: string) => envValue(env, name)?.trim() || undefined;
  return {
    enabled: overrides.enabled ?? flag(env, 'PLINTH_REST', true),
    path: mountPath(overrides.path ?? envValue(env, 'PLINTH_REST_PATH') ?? '/parse'),
    clientKeys: overrides.clientKeys ?? {
      restApiKey: key('PLINTH_REST_API_KEY'),
      javascriptKey: key('PLINTH_JAVASCRIPT_KEY'),
      clientKey: key('PLINTH_CLIENT_KEY'),
      dotNetKey: key('PLINTH_DOTNET_KEY'),
    },
    allowClientClassCreation: overrides.allowClientClassCreation ?? flag(env, 'PLINTH_ALLOW_CLIENT_CLASS_CREATION', false),
  };
}
