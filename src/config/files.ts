import { envValue, int, type Env } from './env.ts';

/**
 * Who may upload files, what, and how much (Parse's `fileUpload` and `maxUploadSize` options,
 * with Parse's defaults). The master key may always upload, any extension.
 */
export interface FilesConfig {
  /** Clients without a session (PLINTH_FILE_UPLOAD_PUBLIC; Parse's enableForPublic, default false). */
  uploadPublic: boolean;
  /** Users signed in with `anonymous` authData (PLINTH_FILE_UPLOAD_ANONYMOUS; enableForAnonymousUser, default false). */
  uploadAnonymous: boolean;
  /** Other signed-in users (PLINTH_FILE_UPLOAD_AUTHENTICATED; enableForAuthenticatedUser, default true). */
  uploadAuthenticated: boolean;
  /**
   * Allowed extensions (PLINTH_FILE_EXTENSIONS; Parse's fileExtensions): regular expressions an
   * extension must match one of, or `*` for any. The default refuses what browsers render as
   * active content (html, htm, shtml, xhtml, svg, xml, xsl, …), as Parse's does.
   */
  extensions: readonly string[];
  /** Largest file, in bytes (PLINTH_FILE_MAX_BYTES; Parse's maxUploadSize, default 20 MiB). */
  maxBytes: number;
  /** Files one request may upload (PLINTH_FILE_MAX_FILES, default 10). */
  maxFiles: number;
  /**
   * Bytes of JSON-form uploads (the JavaScript SDK's base64 body, whose credentials come after
   * the file) held in memory at once before their credentials are checked, all requests
   * together (PLINTH_FILE_JSON_BUFFER_BYTES, default 64 MiB; never less than one body of a file
   * at the size limit). A request that would pass it is answered 503 (130), which the SDK retries.
   */
  jsonBufferBytes: number;
}

export type FilesConfigInput = Partial<FilesConfig>;

/** Parse Server's default `fileUpload.fileExtensions`: everything but HTML, SVG, XML and their kin. */
export const PARSE_DEFAULT_FILE_EXTENSIONS: readonly string[] = [
  '^(?!([xXsS]?[hH][tT][mM][lL]?(\\+[xX][mM][lL])?|[xX][hH][tT]|[sS][vV][gG]([zZ]|\\+[xX][mM][lL])?|[xX][mM][lL]|[xX][sS][lL][tT]?(\\+[xX][mM][lL])?|[xX][sS][dD]|[rR][nN][gG]|[rR][dD][fF](\\+[xX][mM][lL])?|[oO][wW][lL]|[mM][aA][tT][hH][mM][lL](\\+[xX][mM][lL])?)$)',
];

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw.trim())) return true;
  if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** PLINTH_FILE_EXTENSIONS: a JSON array of patterns, or patterns separated by commas (Parse's form). */
function extensionPatterns(raw: string | undefined): readonly string[] {
  if (raw === undefined) return PARSE_DEFAULT_FILE_EXTENSIONS;
  let list: unknown;
  if (raw.trim().startsWith('[')) {
    try {
      list = JSON.parse(raw);
    } catch {
      throw new Error('PLINTH_FILE_EXTENSIONS must be a JSON array of patterns or a comma-separated list');
    }
  } else list = raw.split(',').map((p) => p.trim());
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) {
    throw new Error('PLINTH_FILE_EXTENSIONS must list non-empty patterns');
  }
  return checkPatterns(list as string[]);
}

function checkPatterns(list: readonly string[]): readonly string[] {
  for (const p of list) {
    if (p === '*') continue;
    try {
      new RegExp(p);
    } catch {
      throw new Error(`PLINTH_FILE_EXTENSIONS: "${p}" is not a valid regular expression`);
    }
  }
  return list;
}

/** Reads the files part of the configuration; overrides win and are checked as the environment is. */
export function loadFilesConfig(env: Env, overrides: FilesConfigInput = {}): FilesConfig {
  return {
    uploadPublic: overrides.uploadPublic ?? flag(env, 'PLINTH_FILE_UPLOAD_PUBLIC', false),
    uploadAnonymous: overrides.uploadAnonymous ?? flag(env, 'PLINTH_FILE_UPLOAD_ANONYMOUS', false),
    uploadAuthenticated: overrides.uploadAuthenticated ?? flag(env, 'PLINTH_FILE_UPLOAD_AUTHENTICATED', true),
    extensions: overrides.extensions ? checkPatterns(overrides.extensions) : extensionPatterns(envValue(env, 'PLINTH_FILE_EXTENSIONS')),
    maxBytes: overrides.maxBytes ?? int(env, 'PLINTH_FILE_MAX_BYTES', 20 * 1024 * 1024, 1),
    maxFiles: overrides.maxFiles ?? int(env, 'PLINTH_FILE_MAX_FILES', 10, 1, 1000),
    jsonBufferBytes: overrides.jsonBufferBytes ?? int(env, 'PLINTH_FILE_JSON_BUFFER_BYTES', 64 * 1024 * 1024, 1),
  };
}
