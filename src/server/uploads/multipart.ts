import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { GraphQLParams } from 'graphql-yoga';
import type { Auth } from '../../security/index.ts';
import type { FileService, RequestUploads, StoredUpload } from '../../files/index.ts';
import { fileErrors } from '../../files/index.ts';
import { placeAt, readMap } from './operations.ts';
import { RequestFailure } from './request-failure.ts';

export interface MultipartRequest {
  contentType: string;
  body: Readable;
  auth: Auth;
  files: FileService;
  uploads: RequestUploads;
  /** The client went away. */
  signal: AbortSignal;
  /** Largest `operations` (and `map`) field, in bytes. */
  maxOperationsBytes: number;
  /**
   * After a failure, read the rest of the body and drop it (a socket: so that the answer is
   * not lost to a reset while the client still sends; the connection closes after the answer)
   * rather than cancel it (an in-process stream).
   */
  drainOnFailure: boolean;
}

/**
 * Reads a GraphQL multipart request (graphql-multipart-request-spec: `operations`, then
 * `map`, then the files) as it arrives: each file goes to storage while it streams, through
 * FileService (who may upload is decided when `map` names at least one file, before a byte is
 * stored). Resolves to the operation with each upload's place in its variables taken by the
 * file's UploadToken. On any failure — a refusal, a limit, malformed input, the client going
 * away — reading stops, the file being stored is abandoned, and the files already stored are
 * deleted before the promise rejects.
 */
export function readMultipart(req: MultipartRequest): Promise<GraphQLParams> {
  const { files, uploads, auth } = req;
  const maxFiles = files.config.maxFiles;
  const stop = new AbortController();
  const onAbort = () => fail(new DOMException('The client closed the request.', 'AbortError'));
  req.signal.addEventListener('abort', onAbort, { once: true });

  let operations: Record<string, unknown> | undefined;
  let map: Map<string, string[]> | undefined;
  const received = new Set<string>();
  let current: Readable | undefined;
  // Parts are handled one at a time, in order: busboy holds the next one (and the socket) meanwhile.
  let queue: Promise<void> = Promise.resolve();
  let failure: unknown;
  let settle!: { resolve: (p: GraphQLParams) => void; reject: (e: unknown) => void };
  const result = new Promise<GraphQLParams>((resolve, reject) => (settle = { resolve, reject }));

  let parser: busboy.Busboy;
  try {
    // Every part is a field or a file, each counted under its own limit (busboy reports a limit
    // when a part beyond it starts). No `parts` limit: busboy reports that one as soon as the
    // count reaches it, which refused a request with exactly `maxFiles` files.
    parser = busboy({
      headers: { 'content-type': req.contentType },
      defParamCharset: 'utf8',
      preservePath: true,
      limits: { fields: 2, files: maxFiles, fieldSize: req.maxOperationsBytes, fieldNameSize: 100, headerPairs: 20 },
    });
  } catch {
    req.signal.removeEventListener('abort', onAbort);
    return Promise.reject(RequestFailure.badRequest('The multipart request is malformed.'));
  }

  function enqueue(step: () => Promise<void>): void {
    queue = queue.then(() => {
      if (failure !== undefined) throw failure;
      return step();
    });
    queue.catch(fail);
  }

  function fail(error: unknown): void {
    if (failure !== undefined) return;
    failure = error;
    stop.abort(error);
    req.body.unpipe(parser);
    if (req.drainOnFailure) req.body.resume();
    else req.body.destroy();
    // Its reader (if any) fails; the failure itself is this one.
    current?.destroy();
    parser.removeAllListeners('file');
    parser.on('error', () => undefined);
    // Whatever was stored (a file being stored when the failure came is abandoned by storage).
    void queue
      .catch(() => undefined)
      .then(() => files.discard(uploads.finish()))
      .finally(() => {
        req.signal.removeEventListener('abort', onAbort);
        settle.reject(error);
      });
  }

  parser.on('field', (name, value, info) => {
    if (failure !== undefined) return;
    try {
      if (info.valueTruncated) throw RequestFailure.tooLarge(`The multipart field "${name}" is larger than ${req.maxOperationsBytes} bytes.`);
      if (name === 'operations' && !operations) {
        operations = readOperations(value);
      } else if (name === 'map' && operations && !map) {
        map = readMap(value, operations, maxFiles);
        // Who may upload is decided before a byte of any file is stored.
        if (map.size) enqueue(() => files.checkUploader(auth));
      } else {
        throw RequestFailure.badRequest(`Unexpected multipart field "${name}": send "operations", then "map", then the files.`);
      }
    } catch (error) {
      fail(error);
    }
  });

  parser.on('file', (name, stream, info) => {
    if (failure !== undefined || !map || !map.has(name) || received.has(name)) {
      stream.resume();
      if (failure === undefined)
        fail(RequestFailure.badRequest(map ? `Unexpected file "${name}": the map does not name it.` : 'Send "operations" and "map" before the files.'));
      return;
    }
    received.add(name);
    // Errors reach whoever reads the stream; one destroyed before it is read must not throw.
    stream.on('error', () => undefined);
    const paths = map.get(name)!;
    enqueue(async () => {
      current = stream;
      let stored: StoredUpload;
      try {
        stored = await files.save({ filename: info.filename ?? '', mimeType: info.mimeType, content: stream }, auth, stop.signal);
      } finally {
        current = undefined;
      }
      const token = uploads.add(stored);
      for (const path of paths) placeAt(operations!, path, token);
    });
  });

  parser.on('filesLimit', () => fail(RequestFailure.tooLarge(`A request may upload at most ${maxFiles} files.`)));
  parser.on('fieldsLimit', () => fail(RequestFailure.badRequest('Unexpected multipart field: send "operations", then "map", then the files.')));
  parser.on('error', () => fail(RequestFailure.badRequest('The multipart request is malformed.')));
  parser.on('close', () => {
    if (failure !== undefined) return;
    queue.then(
      () => {
        if (failure !== undefined) return;
        if (!operations || !map) return fail(RequestFailure.badRequest('The multipart request lacks "operations" or "map".'));
        for (const key of map.keys()) if (!received.has(key)) return fail(fileErrors.invalidUpload());
        req.signal.removeEventListener('abort', onAbort);
        settle.resolve(operations as GraphQLParams);
      },
      (error) => fail(error),
    );
  });
  req.body.on('error', () => fail(new DOMException('The request body could not be read to its end.', 'AbortError')));
  req.body.pipe(parser);
  return result;
}

/** The `operations` field: one operation as a JSON object (batches are not taken with uploads). */
function readOperations(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw RequestFailure.badRequest('The multipart field "operations" is not valid JSON.');
  }
  if (Array.isArray(parsed)) throw RequestFailure.badRequest('Batched operations cannot carry file uploads: send one operation per request.');
  if (typeof parsed !== 'object' || parsed === null) throw RequestFailure.badRequest('The multipart field "operations" must be a JSON object.');
  return parsed as Record<string, unknown>;
}
