import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { NO_SESSIONS, resolveAuth } from '../../auth/index.ts';
import { IpAllowList } from '../../auth/ip-allow-list.ts';
import type { FileStorage } from '../../files/types.ts';
import type { FileDownloads } from '../../files/access/index.ts';
import {
  deleteFile,
  FILE_REQUEST_HEADERS,
  FILE_RESPONSE_HEADERS,
  fileError,
  isValidFileName,
  notFound,
  serveFile,
  withNames,
  type FileRemover,
} from '../../files/serve/index.ts';
import { authOf } from '../plugins/use-parse-auth.ts';

export interface FileRoutesDeps {
  appId: string;
  masterKey: string;
  /** Addresses allowed to use the master key (absent: any). */
  masterKeyIps?: readonly string[];
  storage: FileStorage;
  downloads: FileDownloads;
  remove: FileRemover;
  logger?: Logger;
}

const PREFIX = '/files/';

/** Parse's answer to a wrong app id or a missing master key on its file routes (sanitized, as Parse 9 sends it). */
const permissionDenied = () => fileError(403, JSON.stringify({ error: 'Permission denied' }), 'application/json; charset=utf-8');

/** The path's segments after `/files/`, percent-decoded; undefined when one is not valid percent-encoding. */
function segmentsOf(pathname: string): string[] | undefined {
  try {
    return pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function remoteAddressOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress;
}

/** Whether an absolute request URL's path is under `/files/` (without parsing it: every answer passes here). */
function underFiles(url: string): boolean {
  const path = url.indexOf('/', url.indexOf('//') + 2);
  return path >= 0 && url.startsWith(PREFIX, path);
}

/**
 * CORS of file answers, over the server's own (which reflects the Origin and allows Parse's
 * headers): a preflight also allows the request headers of ranges and conditional requests,
 * and every answer exposes the headers a script needs to read a file in parts (Content-Range,
 * ETag…). Only where the server's CORS answered (a request with an Origin).
 */
function fileCors(response: Response): void {
  const headers = response.headers;
  if (!headers.has('access-control-allow-origin')) return;
  headers.set('access-control-allow-headers', withNames(headers.get('access-control-allow-headers'), FILE_REQUEST_HEADERS));
  headers.set('access-control-expose-headers', withNames(headers.get('access-control-expose-headers'), FILE_RESPONSE_HEADERS));
}

/**
 * `GET` and `HEAD /files/<appId>/<name>`: downloads, answered before Parse's credential check
 * (a browser loading `<img src>` sends no headers). The name is percent-decoded and checked
 * (no `..`, `/`, `\`, NUL; at most 255 bytes) before the store is asked: a bad one is 404, a
 * malformed escape 400. Under PLINTH_FILES_ACCESS=objects a download needs a valid signed URL
 * or the master key — 403 otherwise, before the file is looked up, so a refusal never tells
 * whether it exists. See serveFile for ranges, conditional requests and headers.
 */
export function useFileDownloads(deps: FileRoutesDeps): Plugin {
  const masterKeyIps = deps.masterKeyIps ? new IpAllowList(deps.masterKeyIps) : undefined;
  const isMaster = async (request: Request, serverContext: unknown): Promise<boolean> => {
    const key = request.headers.get('x-parse-master-key');
    if (!key) return false;
    const auth = await resolveAuth({ masterKey: key }, deps.masterKey, NO_SESSIONS);
    return auth.isMaster && (!masterKeyIps || masterKeyIps.allows(remoteAddressOf(serverContext)));
  };

  async function download(request: Request, url: URL, serverContext: unknown): Promise<Response> {
    const segments = segmentsOf(url.pathname);
    if (!segments) return fileError(400, 'Bad Request');
    if (segments.length !== 2 || !isValidFileName(segments[1])) return notFound();
    const [appId, name] = segments;
    if (appId !== deps.appId) return permissionDenied();
    const policy = deps.downloads.policy(name, url.searchParams, await isMaster(request, serverContext));
    if (!policy) return fileError(403, JSON.stringify({ code: ErrorCode.OPERATION_FORBIDDEN, error: 'Permission denied' }), 'application/json; charset=utf-8');
    return serveFile(deps.storage, name, request, policy);
  }

  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (!url.pathname.startsWith(PREFIX) || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const response = await download(request, url, serverContext).catch((error: unknown) => {
        deps.logger?.error({ err: error, path: url.pathname }, 'a file download failed');
        return fileError(500, 'Internal server error');
      });
      endResponse(response);
    },
    // After the server's CORS plugin (it runs first): preflights and answers under /files/.
    onResponse({ request, response }) {
      if (underFiles(request.url)) fileCors(response);
    },
  };
}

function parseErrorResponse(error: ParseError): Response {
  const status = error.code === ErrorCode.OBJECT_NOT_FOUND ? 404 : error.code === ErrorCode.INTERNAL_SERVER_ERROR ? 500 : 400;
  return fileError(status, JSON.stringify({ code: error.code, error: error.message }), 'application/json; charset=utf-8');
}

/**
 * `DELETE /files/<appId>/<name>` (and Parse's own `DELETE /files/<name>`): master key only
 * (403 `{"error":"Permission denied"}` otherwise, as Parse 9 answers), after Parse's
 * credential check (useParseAuth: the app id header, the master key's addresses). 200 with an
 * empty body once deleted; errors as Parse's JSON `{code, error}`: 122 for a name no file can
 * have, 153 `Could not delete file.`
 */
export function useFileDeletes(deps: FileRoutesDeps): Plugin {
  async function remove(request: Request, url: URL): Promise<Response> {
    const segments = segmentsOf(url.pathname);
    if (!segments || segments.length > 2) return parseErrorResponse(new ParseError(ErrorCode.INVALID_FILE_NAME, 'Invalid file name.'));
    if (segments.length === 2 && segments[0] !== deps.appId) return permissionDenied();
    const auth = authOf(request);
    if (!auth?.isMaster) return permissionDenied();
    const name = segments[segments.length - 1];
    try {
      await deleteFile(deps.remove, name, auth, (error) => deps.logger?.error({ err: error, file: name }, 'could not delete a file'));
    } catch (error) {
      if (error instanceof ParseError) return parseErrorResponse(error);
      throw error;
    }
    return new Response(null, { status: 200 });
  }

  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(PREFIX) || request.method !== 'DELETE') return;
      const response = await remove(request, url).catch((error: unknown) => {
        deps.logger?.error({ err: error, path: url.pathname }, 'a file deletion failed');
        return parseErrorResponse(new ParseError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
      });
      endResponse(response);
    },
  };
}
