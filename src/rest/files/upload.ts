import { ErrorCode, ParseError } from '../../errors/index.ts';
import { fileErrors } from '../../files/index.ts';
import type { Auth } from '../../security/index.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import { jsonResponse, statusOf, type RestResult } from '../respond.ts';
import type { PathParams } from '../router.ts';
import { isUploadForm, readUploadForm, type UploadForm } from './upload-form.ts';

/** Plinth stores files under their names only: a directory is refused (the master key's too). */
function checkDirectory(directory: unknown, auth: Auth): void {
  if (directory === undefined) return;
  if (!auth.isMaster) throw new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'Directory can only be set using the Master Key.');
  throw new ParseError(ErrorCode.INVALID_FILE_NAME, 'File directories are not supported by this server.');
}

/**
 * A refusal while the body is still unread: the connection closes after it, so that the rest
 * of a large upload is not read only to be thrown away. Parse answers a file over the limit in
 * stream mode with a plain 400 (130); otherwise its status is the error's (413 for the size).
 */
function refuseUnread(streamMode: boolean, error: ParseError): Response {
  const status = streamMode && error.code === ErrorCode.FILE_SAVE_ERROR ? 400 : statusOf(error);
  return jsonResponse(status, { code: error.code, error: error.message }, { connection: 'close' });
}

/**
 * The client went away before its upload was whole (the store dropped what it had): no failure
 * of the server's, so logged at debug only — anyone can disconnect, and the error log is for
 * what operators must look at. The answer reaches no one.
 */
function clientGone(deps: RestDeps, filename: string, error: unknown): Response {
  deps.logger.debug({ err: error, file: filename }, 'a client went away during a file upload');
  return jsonResponse(400, { code: ErrorCode.FILE_SAVE_ERROR, error: 'The upload was interrupted.' }, { connection: 'close' });
}

/**
 * `POST /files/<name>`: stores one file, streaming it to the store through the files service
 * (the same rules as GraphQL's createFile: who may upload (130), name (122), kind and
 * extension, size limit, file triggers) as the caller. The body is the file (Content-Type its
 * type, or `X-Parse-Upload-Mode: stream` as the SDK sends a Buffer), or the SDK's JSON form
 * with the file in base64. Answers 201 `{url, name}` with the URL in `Location`, as Parse.
 */
export async function uploadFile(req: RestRequest, path: PathParams, deps: RestDeps): Promise<RestResult | Response> {
  const { files } = deps;
  let form: UploadForm | undefined;
  try {
    const read = readUploadForm(req);
    if (!isUploadForm(read)) return read;
    form = read;
    await files.checkUploader(req.auth);
    checkDirectory(form.directory, req.auth);
    const declared = req.raw.headers.get('content-length');
    if (form.unread && declared !== null && Number(declared) > files.config.maxBytes) throw fileErrors.tooLarge(files.config.maxBytes);
    const stored = await files.save({ filename: path.filename, mimeType: form.contentType, content: form.content }, req.auth, req.raw.signal);
    const url = deps.fileUrl(stored.name);
    return { status: 201, body: { url, name: stored.name }, headers: { location: url } };
  } catch (error) {
    if (req.raw.signal.aborted) return clientGone(deps, path.filename, error);
    // Before the form was read (a malformed header), the body is the file, unread.
    const unread = form?.unread ?? !req.body;
    if (!(error instanceof ParseError) || !unread) throw error;
    return refuseUnread(form?.streamMode ?? false, error);
  }
}

/** `POST /files` without a name, as Parse answers it. */
export async function uploadWithoutName(): Promise<RestResult> {
  throw new ParseError(ErrorCode.INVALID_FILE_NAME, 'Filename not provided.');
}
