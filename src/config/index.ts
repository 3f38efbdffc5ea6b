import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Every option Plinth reads, validated once at start-up. */
export interface Config {
  /** Listen port (PORT, default 1337). */
  port: number;
  /** Listen address (HOST, default all interfaces). */
  host: string;
  /** X-Parse-Application-Id that every request must carry (PLINTH_APP_ID, default "plinth"). */
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
  /** redis://… for pub/sub across instances; the same as `live.redisUrl`. */
  redisUrl?: string;
  /** Cloud code entry module (PLINTH_CLOUD); the same as `cloudCode.file`. */
  cloud?: string;
  /** Cloud code: file, reloading, time limits. */
  cloudCode: CloudConfig;
  /**
   * SDL file (PLINTH_GRAPHQL_SCHEMA) whose types and fields, with `@resolve`/`@mock`, are merged
   * into the generated GraphQL schema: Parse's `graphQLSchema` option. Read once at start-up.
   */
  graphqlSchemaFile?: string;
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
  /**
   * Whether callers without the master key may introspect the GraphQL schema (`__schema`,
   * `__type`): PLINTH_PUBLIC_INTROSPECTION, Parse's `graphQLPublicIntrospection`. Off in
   * production (Parse's default); on in development, so that GraphiQL completes on a laptop.
   */
  publicIntrospection: boolean;
  /** How often (ms) the catalog version is polled for changes made by other instances. */
  schemaPollMs: number;
  /** How long a session lives without use (PLINTH_SESSION_LENGTH, seconds; default one year, as Parse). */
  sessionLengthMs: number;
  /** Users, sessions, email flows, OAuth providers, abuse guards. */
  auth: AuthConfig;
  /** Live queries: Redis fan-out and subscriber limits. */
  live: LiveConfig;
  /** Cloud jobs, schedules and internal queues (the PostgreSQL job engine). */
  jobs: JobsConfig;
  /** Webhooks (Parse's Hooks API): signing key, time limit, delivery retries. */
  webhooks: WebhooksConfig;
  /** File uploads: who may upload, which extensions, how large. */
  files: FilesConfig;
  /** Serving files: who may download them (public by URL, or following their objects), signed URLs, the orphan job. */
  filesAccess: FilesAccessConfig;
  /** Request limits against abusive documents. */
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxBodyBytes: number;
    maxInputDepth: number;
    /** How deeply brackets may nest in a document's text (checked before parsing). */
    maxNesting: number;
    /** The largest GraphQL document, in UTF-8 bytes (checked before parsing; PLINTH_MAX_DOCUMENT_BYTES). */
    maxDocumentBytes: number;
    /**
     * The rows one operation may ask for, callers without the master key (estimated from its
     * pages before it runs; PLINTH_MAX_ROWS_PER_REQUEST); 0: no budget.
     */
    maxRowsPerRequest: number;
  };
  logLevel: string;
  /** Operations: metrics, trusted documents, the log's format. */
  ops: OpsConfig;
  /** Where uploaded file contents are kept: a local directory (default), an S3-compatible bucket, or PostgreSQL. */
  filesStorage: FilesStorageConfig;
  /** Push notifications: the services (PLINTH_PUSH), client pushes, batch size. */
  push: PushConfig;
  /** The admin web UI at /dashboard/ (PLINTH_DASHBOARD…). */
  dashboard: DashboardConfig;
  /** Parse's REST API and LiveQuery at /parse (PLINTH_REST…). */
  rest: RestConfig;
}

export type ConfigInput = Partial<
  Omit<
    Config,
    'limits' | 'auth' | 'live' | 'cloudCode' | 'jobs' | 'webhooks' | 'ops' | 'filesAccess' | 'filesStorage' | 'files' | 'push' | 'dashboard' | 'rest'
  >
> & {
  dashboard?: DashboardConfigInput;
  rest?: RestConfigInput;
  filesStorage?: FilesStorageConfigInput;
  files?: FilesConfigInput;
  /** Replaces the push settings read from the environment (tests point them at fake services). */
  push?: Partial<PushConfig>;
  ops?: OpsConfigInput;
  filesAccess?: FilesAccessConfigInput;
  jobs?: JobsConfigInput;
  webhooks?: WebhooksConfigInput;
  limits?: Partial<Config['limits']>;
  auth?: AuthConfigInput;
  live?: LiveConfigInput;
  cloudCode?: CloudConfigInput;
};
export type { AuthConfig, OidcProviderConfig } from './auth.ts';
export type { LiveConfig } from './live.ts';
export type { JobsConfig } from './jobs.ts';
export type { PushConfig } from './push.ts';
export type { CloudConfig } from './cloud.ts';
export type { WebhooksConfig } from './webhooks.ts';
export type { OpsConfig, LogFormat } from './ops.ts';
export type { FilesStorageConfig, FsStorageConfig, S3StorageConfig, PostgresStorageConfig } from './files-storage.ts';
export type { FilesConfig } from './files.ts';
export type { FilesAccessConfig, FilesAccessMode } from './files-access.ts';
export type { DashboardConfig } from './dashboard.ts';
export type { RestConfig } from './rest.ts';

/** Where the data lives: all that `plinth migrate` needs. */
export interface DatabaseConfig {
  dataDir: string;
  databaseUrl?: string;
}

import { connectionUrl, envValue, flag, int, type Env } from './env.ts';
import { loadAuthConfig, type AuthConfig, type AuthConfigInput } from './auth.ts';
import { loadLiveConfig, type LiveConfig, type LiveConfigInput } from './live.ts';
import { loadJobsConfig, type JobsConfig, type JobsConfigInput } from './jobs.ts';
import { loadPushConfig, type PushConfig } from './push.ts';
import { loadCloudConfig, type CloudConfig, type CloudConfigInput } from './cloud.ts';
import { loadWebhooksConfig, type WebhooksConfig, type WebhooksConfigInput } from './webhooks.ts';
import { loadOpsConfig, type OpsConfig, type OpsConfigInput } from './ops.ts';
import { loadFilesStorageConfig, type FilesStorageConfig, type FilesStorageConfigInput } from './files-storage.ts';
import { loadFilesConfig, type FilesConfig, type FilesConfigInput } from './files.ts';
import { loadFilesAccessConfig, type FilesAccessConfig, type FilesAccessConfigInput } from './files-access.ts';
import { loadDashboardConfig, type DashboardConfig, type DashboardConfigInput } from './dashboard.ts';
import { loadRestConfig, type RestConfig, type RestConfigInput } from './rest.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The master key's file in the data directory (development only). */
export const MASTER_KEY_FILE = 'master-key';

/** A file path given in the environment, made absolute (so messages name it unambiguously). */
function optionalPath(value: string | undefined): string | undefined {
  return value === undefined ? undefined : path.resolve(value);
}

/** A value sent in an HTTP header must be printable ASCII without surrounding spaces. */
function headerSecret(name: string, value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error(`${name} must be printable ASCII without spaces (it travels in an HTTP header)`);
  return value;
}

/**
 * The data location alone (PLINTH_DATA_DIR, DATABASE_URL), validated as loadConfig does. For
 * commands that only touch the database (`plinth migrate`): they need no master key.
 */
export function loadDatabaseConfig(env: Env = process.env, overrides: Partial<DatabaseConfig> = {}): DatabaseConfig {
  const dataDir = path.resolve(overrides.dataDir ?? envValue(env, 'PLINTH_DATA_DIR') ?? './.plinth');
  try {
    if (!statSync(dataDir).isDirectory()) throw new Error(`PLINTH_DATA_DIR "${dataDir}" exists and is not a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return {
    dataDir,
    databaseUrl: connectionUrl(
      overrides.databaseUrl ?? envValue(env, 'DATABASE_URL'),
      'DATABASE_URL',
      ['postgres:', 'postgresql:'],
      'postgres://user:password@host:port/database',
    ),
  };
}

/**
 * Reads the configuration from the environment (and explicit overrides, which win), checks it,
 * and resolves the master key (see resolveMasterKey: in development this may create the key's
 * file in the data directory). Runs once per server; throws with a readable message on bad input.
 * An empty environment variable counts as unset.
 */
export function loadConfig(env: Env = process.env, overrides: ConfigInput = {}): Config {
  const production = (overrides.production ?? env.NODE_ENV === 'production') === true;
  const port = overrides.port ?? int(env, 'PORT', 1337, 0, 65535);
  const { dataDir, databaseUrl } = loadDatabaseConfig(env, { dataDir: overrides.dataDir, databaseUrl: overrides.databaseUrl });
  const graphqlPath = overrides.graphqlPath ?? '/graphql';
  const host = overrides.host ?? envValue(env, 'HOST') ?? '0.0.0.0';
  const publicUrl = (overrides.publicUrl ?? envValue(env, 'PLINTH_PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/$/, '');
  const defaultLimit = overrides.defaultLimit ?? int(env, 'PLINTH_DEFAULT_LIMIT', 100, 1);
  const maxLimit = overrides.maxLimit ?? int(env, 'PLINTH_MAX_LIMIT', 1000, 1);
  if (defaultLimit > maxLimit) throw new Error('PLINTH_DEFAULT_LIMIT must not exceed PLINTH_MAX_LIMIT');
  const logLevel = overrides.logLevel ?? envValue(env, 'PLINTH_LOG_LEVEL') ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`PLINTH_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const appId = headerSecret('PLINTH_APP_ID', overrides.appId ?? envValue(env, 'PLINTH_APP_ID') ?? 'plinth');

  const configuredKey = overrides.masterKey ?? envValue(env, 'PLINTH_MASTER_KEY');
  const { masterKey, generated } = resolveMasterKey(
    configuredKey === undefined ? undefined : headerSecret('PLINTH_MASTER_KEY', configuredKey),
    dataDir,
    production,
  );
  // A master key equal to the app id would make every request a master request.
  if (masterKey === appId) throw new Error('PLINTH_MASTER_KEY must differ from PLINTH_APP_ID');
  const live = loadLiveConfig(env, { ...overrides.live, redisUrl: overrides.live?.redisUrl ?? overrides.redisUrl });
  const cloudCode = loadCloudConfig(env, production, { ...overrides.cloudCode, file: overrides.cloudCode?.file ?? overrides.cloud });
  return {
    port,
    host,
    appId,
    masterKey,
    masterKeyGenerated: generated,
    dataDir,
    databaseUrl,
    databasePoolSize: overrides.databasePoolSize ?? int(env, 'PLINTH_DB_POOL_SIZE', 10, 1),
    redisUrl: live.redisUrl,
    cloud: cloudCode.file,
    cloudCode,
    graphqlSchemaFile: optionalPath(overrides.graphqlSchemaFile ?? envValue(env, 'PLINTH_GRAPHQL_SCHEMA')),
    publicUrl,
    graphqlPath,
    production,
    defaultLimit,
    maxLimit,
    publicIntrospection: overrides.publicIntrospection ?? flag(env, 'PLINTH_PUBLIC_INTROSPECTION', !production),
    schemaPollMs: overrides.schemaPollMs ?? int(env, 'PLINTH_SCHEMA_POLL_MS', 500, 10),
    sessionLengthMs: overrides.sessionLengthMs ?? int(env, 'PLINTH_SESSION_LENGTH', 365 * 24 * 3600, 1) * 1000,
    auth: loadAuthConfig(env, overrides.auth, production),
    live,
    jobs: loadJobsConfig(env, overrides.jobs),
    webhooks: loadWebhooksConfig(env, overrides.webhooks),
    files: loadFilesConfig(env, overrides.files),
    filesAccess: loadFilesAccessConfig(env, masterKey, overrides.filesAccess),
    limits: {
      maxDepth: 15,
      maxAliases: 500,
      maxTokens: 50_000,
      maxDirectives: 50,
      maxBodyBytes: 4 * 1024 * 1024,
      // Above Object/Array values' own depth limit (32) plus the input wrappers around them.
      maxInputDepth: 64,
      maxNesting: 128,
      // Far above real operations (the bench's 100-mutation seed is 15 KB) and room for the token
      // limit; large values belong in variables.
      maxDocumentBytes: int(env, 'PLINTH_MAX_DOCUMENT_BYTES', 512 * 1024, 1),
      // Far above a real screen — the default page (100) with four relations at their default
      // page each (40,100 rows) — and a tenth of what the alias cap times the page cap reach
      // (500 × 1000): a request near it takes about a second and 100 MB.
      maxRowsPerRequest: int(env, 'PLINTH_MAX_ROWS_PER_REQUEST', 50_000, 0),
      ...overrides.limits,
    },
    logLevel,
    ops: loadOpsConfig(env, production, overrides.ops),
    filesStorage: loadFilesStorageConfig(env, dataDir, overrides.filesStorage),
    push: { ...loadPushConfig(env), ...overrides.push },
    dashboard: loadDashboardConfig(env, overrides.dashboard),
    rest: loadRestConfig(env, overrides.rest),
  };
}

/**
 * The master key: configured, or (development only) generated once and kept in the data
 * directory (file mode 0600) so that it survives restarts. Production refuses to start without
 * one. The file is created exclusively, so two processes starting at once agree on one key.
 */
function resolveMasterKey(configured: string | undefined, dataDir: string, production: boolean) {
  if (configured) {
    if (configured.length < 12 && production) throw new Error('PLINTH_MASTER_KEY is too short for production (at least 12 characters)');
    return { masterKey: configured, generated: false };
  }
  if (production) throw new Error('PLINTH_MASTER_KEY is required when NODE_ENV=production');
  const file = path.join(dataDir, MASTER_KEY_FILE);
  const stored = readKeyFile(file);
  if (stored !== undefined) return { masterKey: stored, generated: false };
  mkdirSync(dataDir, { recursive: true });
  const masterKey = randomBytes(24).toString('base64url');
  try {
    writeFileSync(file, masterKey + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { masterKey: readKeyFile(file)!, generated: false };
  }
  return { masterKey, generated: true };
}

/** The key kept in `file`, undefined when there is no file; a file without a usable key is an error. */
function readKeyFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the master key from ${file}: ${(error as Error).message}`);
  }
  const key = text.trim();
  if (!/^[\x21-\x7e]+$/.test(key)) throw new Error(`${file} holds no valid master key; delete it to generate a new one, or set PLINTH_MASTER_KEY`);
  return key;
}
