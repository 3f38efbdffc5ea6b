import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Every option Plinth reads, validated once at start-up. */
export interface Config {
  /** Listen port (PORT, default 1337). */
  port: number;
  /** Listen address (HOST, default all interfaces). */
  host: string;
  /** X-Parse-Application-Id that every request must carry. */
  appId: string;
  /** X-Parse-Master-Key; generated and kept in the data directory in development. */
  masterKey: string;
  /** True when the master key was generated on this start (it is printed once). */
  masterKeyGenerated: boolean;
  /** Data directory for embedded PGlite and local state (PLINTH_DATA_DIR, default ./.plinth). */
  dataDir: string;
  /** postgres://… to use a PostgreSQL server instead of embedded PGlite. */
  databaseUrl?: string;
  /** Pool size for PostgreSQL connections. */
  databasePoolSize: number;
  /** redis://… for pub/sub across instances. */
  redisUrl?: string;
  /** Cloud code entry module. */
  cloud?: string;
  /** Public base URL of this server (used in links and file URLs). */
  publicUrl: string;
  /** Path of the GraphQL endpoint. */
  graphqlPath: string;
  /** NODE_ENV=production: stricter defaults. */
  production: boolean;
  /** Default page size when edges are selected and `first`/`last` are absent. */
  defaultLimit: number;
  /** Largest page a query may ask for; larger values are silently capped. */
  maxLimit: number;
  /** How often (ms) the catalog version is polled for changes made by other instances. */
  schemaPollMs: number;
  /** Request limits against abusive documents. */
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxDirectives: number; maxBodyBytes: number; maxInputDepth: number };
  logLevel: string;
}

export type ConfigInput = Partial<Omit<Config, 'limits'>> & { limits?: Partial<Config['limits']> };

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

/**
 * Reads the configuration from the environment (and explicit overrides, which win), checks it,
 * and resolves the master key. Runs once per server; throws with a readable message on bad input.
 */
export function loadConfig(env: Env = process.env, overrides: ConfigInput = {}): Config {
  const production = (overrides.production ?? env.NODE_ENV === 'production') === true;
  const port = overrides.port ?? int(env, 'PORT', 1337);
  const dataDir = path.resolve(overrides.dataDir ?? env.PLINTH_DATA_DIR ?? './.plinth');
  const databaseUrl = overrides.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must be a postgres:// URL, got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  const graphqlPath = overrides.graphqlPath ?? '/graphql';
  const host = overrides.host ?? env.HOST ?? '0.0.0.0';
  const publicUrl = (overrides.publicUrl ?? env.PLINTH_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const defaultLimit = overrides.defaultLimit ?? int(env, 'PLINTH_DEFAULT_LIMIT', 100, 1);
  const maxLimit = overrides.maxLimit ?? int(env, 'PLINTH_MAX_LIMIT', 1000, 1);
  if (defaultLimit > maxLimit) throw new Error('PLINTH_DEFAULT_LIMIT must not exceed PLINTH_MAX_LIMIT');

  const { masterKey, generated } = resolveMasterKey(overrides.masterKey ?? env.PLINTH_MASTER_KEY, dataDir, production);
  return {
    port,
    host,
    appId: overrides.appId ?? env.PLINTH_APP_ID ?? 'plinth',
    masterKey,
    masterKeyGenerated: generated,
    dataDir,
    databaseUrl,
    databasePoolSize: overrides.databasePoolSize ?? int(env, 'PLINTH_DB_POOL_SIZE', 10, 1),
    redisUrl: overrides.redisUrl ?? (env.REDIS_URL || undefined),
    cloud: overrides.cloud ?? (env.PLINTH_CLOUD || undefined),
    publicUrl,
    graphqlPath,
    production,
    defaultLimit,
    maxLimit,
    schemaPollMs: overrides.schemaPollMs ?? int(env, 'PLINTH_SCHEMA_POLL_MS', 500, 10),
    limits: {
      maxDepth: 15,
      maxAliases: 500,
      maxTokens: 50_000,
      maxDirectives: 50,
      maxBodyBytes: 4 * 1024 * 1024,
      maxInputDepth: 32,
      ...overrides.limits,
    },
    logLevel: overrides.logLevel ?? env.PLINTH_LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
  };
}

/**
 * The master key: configured, or (development only) generated once and kept in the data
 * directory so that it survives restarts. Production refuses to start without one.
 */
function resolveMasterKey(configured: string | undefined, dataDir: string, production: boolean) {
  if (configured) {
    if (configured.length < 12 && production) throw new Error('PLINTH_MASTER_KEY is too short for production (at least 12 characters)');
    return { masterKey: configured, generated: false };
  }
  if (production) throw new Error('PLINTH_MASTER_KEY is required when NODE_ENV=production');
  const file = path.join(dataDir, 'master-key');
  if (existsSync(file)) return { masterKey: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const masterKey = randomBytes(24).toString('base64url');
  writeFileSync(file, masterKey + '\n', { mode: 0o600 });
  return { masterKey, generated: true };
}
