import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ParseError } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import { RequestUploads, type FileService } from '../../files/index.ts';
import { readMultipart } from '../uploads/multipart.ts';
import { RequestFailure } from '../uploads/request-failure.ts';

export interface UploadsOptions {
  files: FileService;
  /** The request's caller (useParseAuth's, with the request's details for cloud code), shared with its GraphQL context. */
  caller(request: Request, clientIp: string | undefined): Auth;
  /** Largest `operations` field (the JSON body limit). */
  maxOperationsBytes: number;
  logger: Logger;
}

const uploadsByRequest = new WeakMap<Request, RequestUploads>();

/** The files a multipart request uploaded (for its GraphQL context); undefined for other requests. */
export function uploadsOf(request: Request | undefined): RequestUploads | undefined {
  return request && uploadsByRequest.get(request);
}

/** Whether a request is a GraphQL multipart request (the spec's `multipart/form-data` POST). */
export function isMultipart(method: string | undefined, contentType: string | null | undefined): boolean {
  return method === 'POST' && !!contentType && /^multipart\/form-data\s*;/i.test(contentType);
}

/** The body as a Node stream: the socket's own request when served over node:http, else the WHATWG body. */
function bodyOf(request: Request, serverContext: unknown): { body: Readable; socket: boolean } {
  const raw = (serverContext as { req?: IncomingMessage } | undefined)?.req;
  if (raw && typeof raw.pipe === 'function' && !raw.readableDidRead) return { body: raw, socket: true };
  const web = request.body;
  return { body: web ? Readable.fromWeb(web as unknown as WebReadableStream<Uint8Array>) : Readable.from([]), socket: false };
}

function remoteAddressOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress;
}

/** A failure as the response states it: Parse's code and the status the failure calls for; the connection then closes. */
function requestError(error: unknown): unknown {
  const http = (status: number) => ({ status, headers: { connection: 'close' } });
  if (error instanceof ParseError) return createGraphQLError(error.message, { extensions: { code: error.code, http: http(error.httpStatus) } });
  if (error instanceof RequestFailure) return createGraphQLError(error.message, { extensions: { code: error.code, http: http(error.status) } });
  return error;
}

/**
 * File uploads over GraphQL multipart requests, streamed: Yoga's own multipart parser reads
 * whole files into memory, so this one takes its place. It runs after useParseAuth (the caller
 * is known: who may upload is decided before a byte is stored), streams each file to storage
 * (server/uploads/multipart.ts) and hands Yoga the operation with an UploadToken where each
 * file was — resolvable only through this request's context (`uploads`). Once the response is
 * made, the files the request did not use are deleted (see RequestUploads).
 */
export function useUploads(options: UploadsOptions): Plugin {
  return {
    onRequestParse({ request, serverContext, setRequestParser }) {
      if (!isMultipart(request.method, request.headers.get('content-type'))) return;
      setRequestParser(async (req) => {
        const uploads = new RequestUploads();
        uploadsByRequest.set(req, uploads);
        const { body, socket } = bodyOf(req, serverContext);
        try {
          return await readMultipart({
            contentType: req.headers.get('content-type')!,
            body,
            auth: options.caller(req, remoteAddressOf(serverContext)),
            files: options.files,
            uploads,
            signal: req.signal,
            maxOperationsBytes: options.maxOperationsBytes,
            drainOnFailure: socket,
          });
        } catch (error) {
          throw requestError(error);
        }
      });
    },
    async onResponse({ request }) {
      const uploads = uploadsByRequest.get(request);
      if (!uploads) return;
      uploadsByRequest.delete(request);
      const unused = uploads.finish();
      if (unused.length) {
        options.logger.debug({ files: unused.map((f) => f.name) }, 'deleting uploads the request did not use');
        await options.files.discard(unused);
      }
    },
  };
}
