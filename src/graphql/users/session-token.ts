import { sessionTokenOf } from '../../auth/credentials.ts';
import type { ParseObject } from '../../core/index.ts';
import type { Ref } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { out } from '../type-spec.ts';

/**
 * The session token the request came with (its headers; over graphql-ws, the connection's
 * parameters, which the socket turns into the request's headers). Undefined without one.
 */
export function requestSessionToken(c: GraphQLContext): string | undefined {
  // Yoga puts the request in every context (GraphQLContext does not declare it).
  const request = (c as GraphQLContext & { request?: Request }).request;
  return request ? sessionTokenOf(request.headers) : undefined;
}

/**
 * `Session.sessionToken`: the database keeps only a token's SHA-256, never the token, so the
 * field shows the one token the server can know — the caller's own, on the session the request
 * came with — and null on every other session (the master key included).
 */
export function sessionTokenField(t: Ref): Ref {
  return t.field({
    ...out('String', ''),
    description: "The session's token: the request's own on the session it came with, else null (only the token's SHA-256 is stored).",
    resolve: (o: ParseObject, _a: unknown, c: GraphQLContext) =>
      c.auth.sessionId !== undefined && o.objectId === c.auth.sessionId ? (requestSessionToken(c) ?? null) : null,
  });
}
