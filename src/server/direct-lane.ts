import type http from 'node:http';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import { withOwnStatuses } from './plugins/use-request-errors.ts';
import { maskError } from './plugins/mask-error.ts';
import type { Logger } from '../config/logger.ts';
import type { GraphQLContext } from '../graphql/index.ts';
import { paramsError, type Limits } from './plugins/use-limits.ts';
import { IncomingHeaders } from './incoming-headers.ts';
import { contextSeed } from './yoga.ts';

/**
 * The common GraphQL request served without the fetch layer: a POST of a JSON body to exactly
 * the endpoint (`isJsonPost`), answered in JSON, from a client that sent no Origin (nothing to
 * say about CORS). Yoga's HTTP layer — a WHATWG Request and Response per request, its hook chains —
 * costs more server CPU than a whole read by id; this lane runs the same envelop pipeline the
 * WebSocket transport runs (parse and validation caches, limits, the JIT, error masking, the
 * context) with the same credentials check, and writes the JSON itself.
 *
 * What it does not handle goes to Yoga, with the body already read, before any hook has run:
 * another content type or Accept, a body that is not a plain `{query, variables,
 * operationName, extensions}`, a document over the size and nesting limits. Refused
 * credentials get useParseAuth's own answer. Once the document has gone through the
 * pipeline's parse, the lane answers (a subscription excepted, which only Yoga streams):
 * errors go through Yoga's own result processor, so their statuses and shapes are Yoga's.
 * test/server/direct-lane.db.test.ts sends every kind of request both ways and compares.
 */
export interface DirectLane {
  /** Whether the lane serves this JSON POST (see `isJsonPost`), decided from its headers alone. */
  accepts(req: http.IncomingMessage): boolean;
  /** Serves a request `accepts` took, its body read; `fallback` hands it to Yoga. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, fallback: () => Promise<void>): Promise<void>;
}

export interface DirectLaneOptions {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  limits: Limits;
  /** useParseAuth's check (plugins/use-parse-auth.ts): a refusal to send, or undefined. */
  checkCredentials: (request: Request, remoteAddress: string | undefined) => Promise<Response | undefined>;
  logger?: Logger;
}

/** Accept headers that Yoga answers with `application/json` (its processor list, last match wins). */
const JSON_ACCEPTS = new Set([undefined, '*/*', 'application/json', 'application/json; charset=utf-8']);
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
const PARAM_KEYS = new Set(['query', 'variables', 'operationName', 'extensions']);
const JSON_HEADER = 'application/json; charset=utf-8';

interface Params {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
}

/**
 * A POST of a JSON body to exactly the endpoint: its body is read by server/http.ts (one UTF-8 byte order mark read past, as the Fetch standard reads JSON),
 * then served by the lane or handed to Yoga already read.
 */
export function isJsonPost(req: http.IncomingMessage, graphqlPath: string): boolean {
  return req.method === 'POST' && req.url === graphqlPath && JSON_TYPES.has(req.headers['content-type']?.toLowerCase() ?? '');
}

export function createDirectLane(options: DirectLaneOptions): DirectLane {
  const { yoga, limits, checkCredentials } = options;
  const mask = maskError(options.logger);
  // The schema version each cached document last passed validation against. Validation depends
  // on the document, the schema and the rules only (the rules are fixed per server; the hooks
  // that watch validation record errors only), so a document the parse cache returns again
  // under the same schema needs no second pass — Yoga's own validation cache spends more on
  // finding its entry (a key made of every rule's name, per request) than this whole check.
  const validatedUnder = new WeakMap<DocumentNode, GraphQLSchema>();
  return {
    accepts(req) {
      return req.headers.origin === undefined && JSON_ACCEPTS.has(req.headers.accept?.toLowerCase());
    },
    async serve(req, res, body, fallback) {
      const params = paramsOf(body);
      if (!params || paramsError(params, limits)) return fallback();
      const request = requestOf(req);
      const refusal = await checkCredentials(request, req.socket.remoteAddress);
      if (refusal) return send(res, refusal.status, JSON_HEADER, await refusal.text());
      const enveloped = yoga.getEnveloped(contextSeed({ request, params, req, res }));
      // From here on the pipeline's hooks have run (metrics count refusals): answered here, as Yoga would.
      let document: DocumentNode;
      try {
        document = enveloped.parse(params.query);
      } catch (error) {
        return sendThroughYoga(res, { errors: [mask(error) as GraphQLError] }, yoga);
      }
      if (validatedUnder.get(document) !== enveloped.schema) {
        const invalid = enveloped.validate(enveloped.schema, document);
        if (invalid.length) return sendThroughYoga(res, { errors: invalid }, yoga);
        validatedUnder.set(document, enveloped.schema);
      }
      const operation = getOperationAST(document, params.operationName);
      if (!operation || operation.operation === 'subscription') return fallback();
      let result: ExecutionResult;
      try {
        const contextValue = await enveloped.contextFactory();
        result = (await enveloped.execute({
          schema: enveloped.schema,
          document,
          contextValue,
          variableValues: params.variables,
          operationName: params.operationName,
        })) as ExecutionResult;
      } catch (error) {
        // Errors inside resolvers come back masked in the result; this is the pipeline failing, masked as Yoga masks it.
        return sendThroughYoga(res, { errors: [mask(error) as GraphQLError] }, yoga);
      }
      if (result.errors?.length || result.extensions) return sendThroughYoga(res, result, yoga);
      const stringify = (result as { stringify?: (value: unknown) => string }).stringify ?? JSON.stringify;
      send(res, 200, JSON_HEADER, stringify(result));
    },
  };
}

/** The body as GraphQL parameters, or undefined for anything Yoga's parameter checks would look at twice. */
function paramsOf(body: Buffer): Params | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const p = value as Record<string, unknown>;
  for (const key in p) if (!PARAM_KEYS.has(key)) return undefined;
  if (typeof p.query !== 'string') return undefined;
  if (p.variables != null && (typeof p.variables !== 'object' || Array.isArray(p.variables))) return undefined;
  if (p.operationName != null && typeof p.operationName !== 'string') return undefined;
  if (p.extensions !== undefined && (p.extensions === null || typeof p.extensions !== 'object' || Array.isArray(p.extensions))) return undefined;
  return p as unknown as Params;
}

/** What the credentials check, the context and cloud code read of a request: its headers, method and URL. */
function requestOf(req: http.IncomingMessage): Request {
  const headers: Headers = new IncomingHeaders(req.headers);
  return { method: 'POST', url: `http://${req.headers.host ?? 'localhost'}${req.url}`, headers } as Request;
}

/** A result with errors: Yoga's own result processor decides its status and strips its internals. */
async function sendThroughYoga(res: http.ServerResponse, result: ExecutionResult, yoga: DirectLaneOptions['yoga']): Promise<void> {
  const response = await processRegularResult(withOwnStatuses(result) as never, yoga.fetchAPI, 'application/json');
  for (const [name, value] of response.headers) res.setHeader(name, value);
  send(res, response.status, JSON_HEADER, await response.text());
}

function send(res: http.ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
