import path from 'node:path';
import { connectionUrl, envValue, int, type Env } from './env.ts';

/** Where uploaded file contents are kept (PLINTH_FILES_ADAPTER): one of the files seam's adapters. */
export type FilesStorageConfig = FsStorageConfig | S3StorageConfig | PostgresStorageConfig | NoStorageConfig;

/** The default: a directory on this machine (one instance, or a volume they all share). */
export interface FsStorageConfig {
  adapter: 'fs';
  /** The root directory (PLINTH_FILES_DIR, default `<PLINTH_DATA_DIR>/files`). */
  root: string;
}

/** An S3-compatible bucket (AWS S3, MinIO, R2, Ceph…). */
export interface S3StorageConfig {
  adapter: 's3';
  /** PLINTH_S3_BUCKET (required). */
  bucket: string;
  /** PLINTH_S3_REGION; absent: the AWS SDK's own (AWS_REGION, profile), or us-east-1 with a custom endpoint. */
  region?: string;
  /** PLINTH_S3_ENDPOINT: http(s) URL of an S3-compatible service; absent: AWS. */
  endpoint?: string;
  /** PLINTH_S3_FORCE_PATH_STYLE: `host/bucket/key` URLs instead of `bucket.host/key` (MinIO and most self-hosted services need it). */
  forcePathStyle: boolean;
  /** PLINTH_S3_ACCESS_KEY_ID / PLINTH_S3_SECRET_ACCESS_KEY (/ PLINTH_S3_SESSION_TOKEN); absent: the AWS SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** PLINTH_S3_PREFIX: prepended to every key (`files/` keeps them in one "folder"); empty by default. */
  prefix: string;
  /** PLINTH_S3_DIRECT_ACCESS: downloads are redirected to presigned GET URLs instead of passing through Plinth. */
  directAccess: boolean;
  /**
   * PLINTH_S3_PART_SIZE: bytes per multipart part (default and least 5 MiB; S3 takes 10,000 parts,
   * so the default allows files up to 48 GiB). Memory per upload: two parts, one sent while the next is read.
   */
  partSize: number;
  /**
   * PLINTH_S3_CONDITIONAL_WRITES (default true): send `If-None-Match: *` so that the store itself
   * refuses to overwrite a name two instances upload at once. Turn it off for services that reject the header.
   */
  conditionalWrites: boolean;
}

/** Contents in PostgreSQL (or embedded PGlite) itself: instances share files with no other service. */
export interface PostgresStorageConfig {
  adapter: 'postgres';
}

/** No store: uploads answer 130 "File uploads are not enabled on this server." and nothing is served. */
export interface NoStorageConfig {
  adapter: 'none';
}

export type FilesStorageConfigInput = Partial<Omit<FsStorageConfig, 'adapter'>> &
  Partial<Omit<S3StorageConfig, 'adapter'>> & { adapter?: FilesStorageConfig['adapter'] };

const ADAPTERS = ['fs', 's3', 'postgres', 'none'] as const;
const MiB = 1024 * 1024;

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name)?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function s3Credentials(env: Env): S3StorageConfig['credentials'] {
  const accessKeyId = envValue(env, 'PLINTH_S3_ACCESS_KEY_ID');
  const secretAccessKey = envValue(env, 'PLINTH_S3_SECRET_ACCESS_KEY');
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new Error('PLINTH_S3_ACCESS_KEY_ID and PLINTH_S3_SECRET_ACCESS_KEY go together (or set neither to use the AWS SDK credential chain)');
  }
  return { accessKeyId, secretAccessKey, sessionToken: envValue(env, 'PLINTH_S3_SESSION_TOKEN') };
}

function s3Config(env: Env, o: FilesStorageConfigInput): S3StorageConfig {
  const bucket = o.bucket ?? envValue(env, 'PLINTH_S3_BUCKET');
  if (!bucket) throw new Error('PLINTH_S3_BUCKET is required when PLINTH_FILES_ADAPTER=s3');
  const endpoint = o.endpoint ?? connectionUrl(envValue(env, 'PLINTH_S3_ENDPOINT'), 'PLINTH_S3_ENDPOINT', ['http:', 'https:'], 'http(s)://host[:port]');
  const prefix = o.prefix ?? envValue(env, 'PLINTH_S3_PREFIX') ?? '';
  if (prefix.startsWith('/') || prefix.includes('\0')) throw new Error(`PLINTH_S3_PREFIX must not start with "/", got "${prefix}"`);
  const partSize = o.partSize ?? int(env, 'PLINTH_S3_PART_SIZE', 5 * MiB, 5 * MiB, 5 * 1024 * MiB);
  if (partSize < 5 * MiB) throw new Error(`partSize must be at least 5 MiB (S3's smallest part), got ${partSize}`);
  return {
    adapter: 's3',
    bucket,
    region: o.region ?? envValue(env, 'PLINTH_S3_REGION') ?? (endpoint ? 'us-east-1' : undefined),
    endpoint,
    forcePathStyle: o.forcePathStyle ?? bool(env, 'PLINTH_S3_FORCE_PATH_STYLE', false),
    credentials: o.credentials ?? s3Credentials(env),
    prefix,
    directAccess: o.directAccess ?? bool(env, 'PLINTH_S3_DIRECT_ACCESS', false),
    partSize,
    conditionalWrites: o.conditionalWrites ?? bool(env, 'PLINTH_S3_CONDITIONAL_WRITES', true),
  };
}

/**
 * Reads which file storage to use and its settings (PLINTH_FILES_ADAPTER=fs|s3|postgres|none, default
 * fs under `<dataDir>/files`); overrides win. Runs once at start-up; throws with a readable
 * message on bad input, so a misconfigured bucket stops the server before it takes uploads.
 */
export function loadFilesStorageConfig(env: Env, dataDir: string, overrides: FilesStorageConfigInput = {}): FilesStorageConfig {
  const adapter = overrides.adapter ?? envValue(env, 'PLINTH_FILES_ADAPTER')?.trim().toLowerCase() ?? 'fs';
  if (!(ADAPTERS as readonly string[]).includes(adapter)) throw new Error(`PLINTH_FILES_ADAPTER must be one of ${ADAPTERS.join(', ')}, got "${adapter}"`);
  if (adapter === 's3') return s3Config(env, overrides);
  if (adapter === 'postgres') return { adapter: 'postgres' };
  if (adapter === 'none') return { adapter: 'none' };
  return { adapter: 'fs', root: path.resolve(overrides.root ?? envValue(env, 'PLINTH_FILES_DIR') ?? path.join(dataDir, 'files')) };
}
