import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { RestHttpRequest, RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';

/** A file upload as the request carries it, whichever of Parse's forms the client used. */
export interface UploadForm {
  /** The type the client declared (Content-Type, or the JSON form's `_ContentType`). */
  contentType?: string;
  content: AsyncIterable<Uint8Array>;
  /** The bytes are still in the request (a refusal closes the connection rather than read them). */
  unread: boolean;
  /** Parse's `X-Parse-Upload-Mode: stream`, where a file over the limit is a plain 400. */
  streamMode: boolean;
  /** A directory the client asked for (`X-Parse-File-Directory`, `fileData.directory`). */
  directory?: unknown;
}

/** Parse's answer to a malformed JSON upload (its `invalidRequest`). */
const UNAUTHORIZED: RestResult = { status: 403, body: { error: 'unauthorized' } };

const NOTHING: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON object header (`X-Parse-File-Metadata`, `X-Parse-File-Tags`), checked as Parse checks
 * it (107). Plinth's stores keep only the metadata file triggers set, so its value is not kept.
 */
function checkJsonHeader(request: RestHttpRequest, name: string): void {
  const raw = request.headers.get(name);
  if (raw === null) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) throw new ParseError(ErrorCode.INVALID_JSON, `Invalid JSON in ${name} header.`);
}

/**
 * The request body's bytes as they arrive. Stopping early releases the stream instead of
 * cancelling it: Node 20's `Readable.toWeb` (server/node-fetch.ts) can still enqueue data
 * after a cancel and throw an uncaught error; the refusal closes the connection instead.
 */
function bodyBytes(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (!body) return NOTHING;
  return {
    [Symbol.asyncIterator]() {
      const reader = body.getReader();
      return {
        next: async () => {
          const { done, value } = await reader.read();
          return done ? { done: true, value: undefined } : { done: false, value };
        },
        return: async () => {
          reader.releaseLock();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** The bytes of the request body, as they arrive (the file). */
function binaryForm(req: RestRequest): UploadForm {
  const request = req.raw;
  const streamMode = request.headers.get('x-parse-upload-mode') === 'stream';
  if (streamMode) {
    checkJsonHeader(request, 'X-Parse-File-Metadata');
    checkJsonHeader(request, 'X-Parse-File-Tags');
  }
  return {
    contentType: request.headers.get('content-type') ?? undefined,
    content: bodyBytes(request.body),
    unread: true,
    streamMode,
    directory: streamMode ? (request.headers.get('x-parse-file-directory') ?? undefined) : undefined,
  };
}

/**
 * The JavaScript SDK's JSON form, `{base64, _ContentType, fileData: {metadata, tags,
 * directory}}` (already read: the credentials were in it). A non-string `base64` or
 * `_ContentType` is refused as Parse refuses it (403 `unauthorized`). `text/plain`, the SDK's
 * transport type, is not the file's: without `_ContentType` the type comes from the name and
 * the content.
 */
function jsonForm(body: Record<string, unknown>): UploadForm | RestResult {
  const { base64, _ContentType: contentType, fileData } = body;
  if (base64 !== undefined && typeof base64 !== 'string') return UNAUTHORIZED;
  if (contentType !== undefined && typeof contentType !== 'string') return UNAUTHORIZED;
  const bytes = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : undefined;
  return {
    contentType: contentType || undefined,
    content: bytes ? once(bytes) : NOTHING,
    unread: false,
    streamMode: false,
    directory: isRecord(fileData) && Object.hasOwn(fileData, 'directory') ? fileData.directory : undefined,
  };
}

/** The upload in `req`: the JSON form when the API read the body as JSON, else the raw bytes. */
export function readUploadForm(req: RestRequest): UploadForm | RestResult {
  return req.body ? jsonForm(req.body) : binaryForm(req);
}

export function isUploadForm(value: UploadForm | RestResult): value is UploadForm {
  return 'content' in value;
}
