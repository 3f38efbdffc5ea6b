import { createHmac } from 'node:crypto';
import { envValue, int, type Env } from './env.ts';

/**
 * Who may download a stored file:
 * - `public` (Parse's rule, the default): anyone who has the URL;
 * - `objects`: only callers who can read an object that refers to the file through a File
 *   field — they get short-lived signed URLs in `FileInfo.url` — and the master key.
 */
export type FilesAccessMode = 'public' | 'objects';

const MODES: readonly FilesAccessMode[] = ['public', 'objects'];

/** Serving files: who may download them, signed URLs, caching, and the orphan cleanup job. */
export interface FilesAccessConfig {
  /** PLINTH_FILES_ACCESS (default `public`). */
  mode: FilesAccessMode;
  /**
   * The HMAC key of signed file URLs: PLINTH_FILES_URL_KEY (32 characters or more), else
   * derived from the master key (changing the master key then ends every URL handed out).
   */
  urlKey: Buffer;
  /** How long a signed URL stays valid, at least (PLINTH_FILES_URL_TTL, seconds; default 3600). */
  urlTtlSeconds: number;
  /** `Cache-Control: max-age` of files served publicly by URL (PLINTH_FILES_CACHE_SECONDS; default a year). */
  publicMaxAgeSeconds: number;
  /** The orphan cleanup job (`deleteOrphanFiles`). */
  orphans: {
    /** Files younger than this are never orphans (PLINTH_FILES_ORPHAN_MIN_AGE_HOURS, default 24). */
    minAgeHours: number;
    /** A cron expression: run the job on this schedule (PLINTH_FILES_ORPHAN_SCHEDULE; default: only on demand). */
    schedule?: string;
    /** IANA time zone of the schedule (PLINTH_FILES_ORPHAN_TIMEZONE, default UTC). */
    timeZone?: string;
  };
}

export type FilesAccessConfigInput = Partial<Omit<FilesAccessConfig, 'urlKey' | 'orphans'>> & {
  /** The signing key as text (32+ characters). */
  urlKey?: string;
  orphans?: Partial<FilesAccessConfig['orphans']>;
};

function checked(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** A key of its own for file URLs, so that a signature never doubles as anything else the master key signs. */
function derivedKey(masterKey: string): Buffer {
  return createHmac('sha256', masterKey).update('plinth files: signed URL key v1').digest();
}

/** Reads the file-serving part of the configuration; overrides win and are checked as the environment is. */
export function loadFilesAccessConfig(env: Env, masterKey: string, overrides: FilesAccessConfigInput = {}): FilesAccessConfig {
  const mode = (overrides.mode ?? envValue(env, 'PLINTH_FILES_ACCESS') ?? 'public') as FilesAccessMode;
  if (!MODES.includes(mode)) throw new Error(`PLINTH_FILES_ACCESS must be one of ${MODES.join(', ')}, got "${mode}"`);
  const key = overrides.urlKey ?? envValue(env, 'PLINTH_FILES_URL_KEY');
  if (key !== undefined && key.length < 32) throw new Error('PLINTH_FILES_URL_KEY must have at least 32 characters');
  const setting = (value: number | undefined, name: string, fallback: number, min: number, max: number) =>
    value !== undefined ? checked(name, value, min, max) : int(env, name, fallback, min, max);
  const o = overrides.orphans ?? {};
  return {
    mode,
    urlKey: key === undefined ? derivedKey(masterKey) : Buffer.from(key, 'utf8'),
    urlTtlSeconds: setting(overrides.urlTtlSeconds, 'PLINTH_FILES_URL_TTL', 3600, 10, 7 * 24 * 3600),
    publicMaxAgeSeconds: setting(overrides.publicMaxAgeSeconds, 'PLINTH_FILES_CACHE_SECONDS', 365 * 24 * 3600, 0, 10 * 365 * 24 * 3600),
    orphans: {
      minAgeHours: setting(o.minAgeHours, 'PLINTH_FILES_ORPHAN_MIN_AGE_HOURS', 24, 0, 10 * 365 * 24),
      schedule: o.schedule ?? envValue(env, 'PLINTH_FILES_ORPHAN_SCHEDULE'),
      timeZone: o.timeZone ?? envValue(env, 'PLINTH_FILES_ORPHAN_TIMEZONE'),
    },
  };
}
