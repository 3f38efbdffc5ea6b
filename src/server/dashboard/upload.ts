import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { canWrite } from '../../admin/accounts/index.ts';
import type { AdminPrincipal } from '../../admin/types.ts';
import { fileErrors, type FileService } from '../../files/index.ts';
import { json } from './headers.ts';

export interface DashboardUploadDeps {
  /** The server's files service: the one the public createFile streams through. */
  files: FileService;
  logger: Logger;
}

/**
 * A refusal sent before (or instead of) reading the whole body: the connection closes after it,
 * so that node:http does not read the rest of a large upload only to throw it away.
 */
function refusal(status: number, code: number, error: string): Response {
  return json(status, { code, error }, { connection: 'close' });
}

/** The bytes of a request body as they arrive (a WHATWG stream is async-iterable in Node). */
function contentOf(request: Request): AsyncIterable<Uint8Array> {
  return request.body as unknown as AsyncIterable<Uint8Array>;
}

/**
 * `POST /dashboard/api/upload?name=<original name>`, the raw file as the body and its type as
 * Content-Type: the data browser's File cell uploads through this, then saves the cell with
 * `{__type: 'File', name}` through updateObject. Runs after checkDashboardRequest (cookie,
 * Origin, CSRF). Needs the `data` feature and an admin who may write (read-only: 119, HTTP 403).
 * The body streams to storage through the files service, as a public createFile upload does:
 * the same size limit (refused while it streams, nothing kept), name rules, type sniffing, and
 * file triggers, run with the admin's Auth. Answers `{name, url}` as the public API gives them.
 * A file that is never saved into an object is left to the orphan cleanup.
 */
export async function uploadFile(request: Request, principal: AdminPrincipal, deps: DashboardUploadDeps): Promise<Response> {
  if (!principal.can('data')) return refusal(403, ErrorCode.OPERATION_FORBIDDEN, 'This dashboard account may not use data.');
  if (principal.auth.admin?.readOnly || !canWrite(principal.user)) return refusal(403, ErrorCode.OPERATION_FORBIDDEN, 'This dashboard user is read-only.');
  const { files } = deps;
  const auth = principal.auth;
  try {
    await files.checkUploader(auth);
    const declared = request.headers.get('content-length');
    if (declared !== null && Number(declared) > files.config.maxBytes) throw fileErrors.tooLarge(files.config.maxBytes);
    if (!request.body || declared === '0') throw fileErrors.invalidUpload();
    const name = new URL(request.url).searchParams.get('name') ?? '';
    const contentType = request.headers.get('content-type') ?? undefined;
    const stored = await files.save({ filename: name, mimeType: contentType, content: contentOf(request) }, auth, request.signal);
    deps.logger.info({ admin: principal.user.email, file: stored.name, size: stored.size }, 'dashboard: a file was uploaded');
    return json(201, { name: stored.name, url: stored.url });
  } catch (error) {
    await request.body?.cancel().catch(() => undefined);
    if (error instanceof ParseError) return refusal(error.httpStatus, error.code, error.message);
    if (request.signal.aborted) return refusal(400, ErrorCode.FILE_SAVE_ERROR, 'The upload was interrupted.');
    throw error;
  }
}
