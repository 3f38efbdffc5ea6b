import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MASTER_KEY_FILE } from '../config/index.ts';
import { envValue, type Env } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { describeCloudCode, type CloudCodeDescription } from '../cloud/describe.ts';
import { cloudCodeText } from '../cloud/describe-text.ts';
import { loadCloudModule } from '../cloud/loader/index.ts';
import { RegistryBuilder } from '../cloud/registry.ts';
import type { CloudData } from '../cloud/types.ts';

export const CLOUD_USAGE = 'Usage: plinth cloud [--json]';

const STATS = '{ calls errors p50Ms p99Ms lastError lastErrorAt }';
const LOCATION = 'file line column location';
/** Every field of the `cloudCode` query: its answer is a CloudCodeDescription (without `running`). */
export const CLOUD_CODE_QUERY = `query PlinthCloud { cloudCode { file loadedAt
  classes { className triggers { kind order ${LOCATION} validator stats ${STATS} } }
  functions { name ${LOCATION} validator stats ${STATS} }
  jobs { name registered ${LOCATION} description schedule timeZone scheduleError nextRun
    schedules { origin id schedule timeZone nextRun } lastStatus lastRunAt lastMessage stats ${STATS} } } }`;

export interface CloudCommandIO {
  env: Env;
  /** Where the picture is written (stdout). */
  write(text: string): void;
  cwd?: string;
}

/** The server's GraphQL endpoint: PLINTH_URL (a base URL or the endpoint itself), else localhost on PORT. */
function endpoint(env: Env): string {
  const base = envValue(env, 'PLINTH_URL') ?? `http://localhost:${envValue(env, 'PORT') ?? 1337}`;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`PLINTH_URL is not a URL: "${base}"`);
  }
  if (!url.pathname.endsWith('/graphql')) url.pathname = url.pathname.replace(/\/$/, '') + '/graphql';
  return url.href;
}

/** PLINTH_MASTER_KEY, else the key a development server keeps in its data directory; never generates one. */
function masterKey(env: Env): string | undefined {
  const configured = envValue(env, 'PLINTH_MASTER_KEY');
  if (configured) return configured;
  const file = path.join(path.resolve(envValue(env, 'PLINTH_DATA_DIR') ?? './.plinth'), MASTER_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A failure to reach any server (as opposed to a server that answered with an error). */
function noAnswer(error: unknown): boolean {
  if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') return true;
  const code = ((error as { cause?: { code?: unknown } })?.cause?.code ?? '') as string;
  return error instanceof TypeError && (code === '' || /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_)/.test(code));
}

/** Asks the running server; undefined when no server answers at `url`. Errors the server gives are thrown, readable. */
async function askServer(url: string, env: Env): Promise<CloudCodeDescription | undefined> {
  const key = masterKey(env);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-parse-application-id': envValue(env, 'PLINTH_APP_ID') ?? 'plinth',
        ...(key ? { 'x-parse-master-key': key } : {}),
      },
      body: JSON.stringify({ query: CLOUD_CODE_QUERY, operationName: 'PlinthCloud' }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    if (noAnswer(error)) return undefined;
    throw error;
  }
  const body = (await response.json().catch(() => undefined)) as
    | { data?: { cloudCode?: CloudCodeDescription }; errors?: { message: string; extensions?: { code?: number } }[]; error?: string }
    | undefined;
  if (response.status === 403) throw new Error(`the server at ${url} refused the application id: set PLINTH_APP_ID to the server's`);
  const error = body?.errors?.[0];
  if (error?.extensions?.code === 119) {
    throw new Error(
      `the server at ${url} refused the master key: set PLINTH_MASTER_KEY${key ? ' to the server’s' : ''} (or run where the server's data directory keeps it, PLINTH_DATA_DIR)`,
    );
  }
  if (error) throw new Error(`the server at ${url} answered: ${error.message}`);
  if (!body?.data?.cloudCode) throw new Error(`the server at ${url} gave no cloud code description (HTTP ${response.status})`);
  return { ...body.data.cloudCode, running: true };
}

/** `cloud.data` while the file is only read: a setup that queries data cannot be described without a server. */
const NO_DATA = new Proxy({} as CloudData, {
  get(_target, property) {
    if (typeof property === 'symbol' || property === 'then') return undefined;
    return () => {
      throw new Error('cloud.data is not available while `plinth cloud` reads the cloud file without a server; start the server and run it again');
    };
  },
});

/** Reads the cloud file (PLINTH_CLOUD) and describes what it registers, without statistics. */
async function readCloudFile(env: Env): Promise<CloudCodeDescription> {
  const file = path.resolve(envValue(env, 'PLINTH_CLOUD')!);
  const loaded = await loadCloudModule(file);
  const builder = new RegistryBuilder(NO_DATA, createLogger('warn', process.stderr));
  await loaded.setup(builder);
  return describeCloudCode({ registry: builder.build(), file, loadedAt: new Date() });
}

/**
 * `plinth cloud [--json]`: where every rule runs. Asks the running server (PLINTH_URL, default
 * http://localhost:$PORT) with the master key for the live picture — triggers per class in run
 * order, functions, jobs, with statistics; when no server answers, reads the cloud file
 * (PLINTH_CLOUD) itself and prints what it registers, saying so. Throws a readable Error
 * (no stack needed) when neither is possible or the server refuses.
 */
export async function cloudCommand(args: string[], io: CloudCommandIO): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return void io.write(CLOUD_USAGE + '\n');
  const unknown = args.find((a) => a !== '--json');
  if (unknown !== undefined) throw new Error(`unknown argument "${unknown}". ${CLOUD_USAGE}`);
  const json = args.includes('--json');
  const url = endpoint(io.env);
  let description = await askServer(url, io.env);
  let origin = `Live from ${url}.`;
  if (!description) {
    if (!envValue(io.env, 'PLINTH_CLOUD')) throw new Error(`no server answered at ${url}, and PLINTH_CLOUD is not set to read the cloud file instead`);
    description = await readCloudFile(io.env);
    origin = `No server answered at ${url}: read from the cloud file alone (no statistics, no job runs).`;
  }
  io.write(json ? JSON.stringify(description, null, 2) + '\n' : cloudCodeText(description, origin, { cwd: io.cwd }));
}
