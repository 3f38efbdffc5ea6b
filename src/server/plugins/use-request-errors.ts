import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GraphQLError } from 'graphql';
import { isGraphQLError } from './mask-error.ts';

/** Yoga's `extensions.http`: the status an error asks for, and whether it bows to the Accept header. */
interface HttpExtension {
  status?: number;
  spec?: boolean;
  headers?: Record<string, string>;
}

type RequestParser = Parameters<NonNullable<Plugin['onRequestParse']>>[0]['requestParser'] & {};

/**
 * Requests that never run — a body that cannot be read, a document that fails to parse or to
 * validate (an unknown field, a limit exceeded), a missing query — answer HTTP 400 with their
 * errors and no `data`, as Parse answers (API.md "Errors"):
 *
 * - a body, variables or extensions that are not JSON get a plain message: never the JSON
 *   parser's own text, which Yoga copies into `extensions.originalError` (with the position),
 *   and never a 500 (Yoga lets the SyntaxError of a GET's `variables` escape as unexpected);
 * - the status holds whatever the client accepts. Yoga marks these errors `http.spec` and,
 *   following the GraphQL-over-HTTP draft's legacy rule, answers them 200 to a client that
 *   accepts `application/json` (most clients' default) and 400 only to
 *   `application/graphql-response+json`; the mark is cleared just before the response is written.
 */
export function useRequestErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (requestParser) setRequestParser(withPlainErrors(requestParser));
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        if (result.some((r) => r.errors?.some(followsAccept))) setResult(result.map(withOwnStatuses));
      } else if (!isAsyncIterable(result) && result.errors?.some(followsAccept)) {
        setResult(withOwnStatuses(result));
      }
    },
  };
}

/** A result whose errors' statuses no longer depend on the Accept header (the direct lane's answers too). */
export function withOwnStatuses<T extends { errors?: readonly GraphQLError[] }>(result: T): T {
  return result.errors?.some(followsAccept) ? { ...result, errors: result.errors.map(withOwnStatus) } : result;
}

/** The parser Yoga chose for this request, its failures made plain (see plainParseError). */
function withPlainErrors(parse: RequestParser): RequestParser {
  return (request) => {
    try {
      const parsed = parse(request);
      return isPromise(parsed)
        ? parsed.then(undefined, (error: unknown) => {
            throw plainParseError(error);
          })
        : parsed;
    } catch (error) {
      throw plainParseError(error);
    }
  };
}

/**
 * A request parser's failure as a 400 whose message says what was wrong with the request and
 * nothing of how the parser failed. A client that went away (AbortError) is left as it is.
 */
function plainParseError(error: unknown): unknown {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return error;
  if (isGraphQLError(error)) {
    const { originalError: _parserDetail, ...extensions } = error.extensions ?? {};
    // Yoga appends the multipart parser's own message after a colon.
    const message = error.message.startsWith('POST body sent invalid multipart data') ? 'POST body sent invalid multipart data.' : error.message;
    return createGraphQLError(message, { extensions });
  }
  // JSON.parse of a GET's (or form body's) `variables` or `extensions`.
  const message = error instanceof SyntaxError ? 'The variables or extensions sent are not valid JSON.' : 'The request body could not be read.';
  return createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

function followsAccept(error: GraphQLError): boolean {
  return (error.extensions?.http as HttpExtension | undefined)?.spec === true;
}

/** The same error, its HTTP status no longer dependent on the Accept header. */
function withOwnStatus(error: GraphQLError): GraphQLError {
  if (!followsAccept(error)) return error;
  const http = error.extensions.http as HttpExtension;
  return createGraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: { ...error.extensions, http: { ...http, spec: false } },
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === 'function';
}
