import { readFileSync } from 'node:fs';
import { parse, type GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { authOf } from './use-parse-auth.ts';

/** The parts of a request that name its document: its text, or an id (either convention). */
export interface DocumentParams {
  query?: unknown;
  /** GraphQL-over-HTTP persisted documents: `sha256:<hex>`, or the map's own key. */
  documentId?: unknown;
  /** Apollo's convention: `{ persistedQuery: { version: 1, sha256Hash } }`. */
  extensions?: unknown;
}

/** Why a document was refused: its id is not in the list, or its text is not (and the caller is not master). */
export type Refusal = 'not-found' | 'not-allowed';

const SHA256_HEX = /^[0-9a-f]{64}$/;

function idOf(params: DocumentParams): string | undefined {
  if (typeof params.documentId === 'string' && params.documentId) return params.documentId;
  const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' && persisted.sha256Hash ? persisted.sha256Hash : undefined;
}

/**
 * The documents that callers without the master key may run (PLINTH_TRUSTED_DOCUMENTS): a
 * JSON map of id → document, as graphql-codegen's persisted documents write it. A document is
 * found by its id — the map's key, or `sha256:<key>` for a SHA-256 key, or a bare hash for a
 * `sha256:` key — or by its exact text, so a client that sends the text it was built with
 * works unchanged.
 */
export class TrustedDocuments {
  private readonly byId = new Map<string, string>();
  private readonly texts = new Set<string>();

  constructor(documents: Record<string, string>) {
    for (const [id, text] of Object.entries(documents)) {
      this.byId.set(id, text);
      if (SHA256_HEX.test(id)) this.byId.set(`sha256:${id}`, text);
      else if (id.startsWith('sha256:')) this.byId.set(id.slice('sha256:'.length), text);
      this.texts.add(text);
    }
  }

  /** Reads and checks the file: a JSON object of strings, each a GraphQL document; a bad file stops start-up with a message naming it. */
  static load(file: string): TrustedDocuments {
    let map: unknown;
    try {
      map = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`PLINTH_TRUSTED_DOCUMENTS: cannot read ${file}: ${(error as Error).message}`);
    }
    if (typeof map !== 'object' || map === null || Array.isArray(map))
      throw new Error(`PLINTH_TRUSTED_DOCUMENTS: ${file} must hold a JSON object of id → document`);
    for (const [id, text] of Object.entries(map)) {
      if (typeof text !== 'string') throw new Error(`PLINTH_TRUSTED_DOCUMENTS: the document "${id}" in ${file} is not a string`);
      try {
        parse(text);
      } catch (error) {
        throw new Error(`PLINTH_TRUSTED_DOCUMENTS: the document "${id}" in ${file} is not GraphQL: ${(error as Error).message}`);
      }
    }
    return new TrustedDocuments(map as Record<string, string>);
  }

  get size(): number {
    return this.texts.size;
  }

  /**
   * The text to run for a request, or why it is refused; undefined when the request names no
   * document at all (the transport's own error follows). A text sent is what runs: the master
   * key may send any, other callers only a trusted one. An id alone runs its stored document.
   */
  resolve(params: DocumentParams, master: boolean): { query: string } | { refused: Refusal } | undefined {
    const query = typeof params.query === 'string' && params.query !== '' ? params.query : undefined;
    if (query !== undefined) return master || this.texts.has(query) ? { query } : { refused: 'not-allowed' };
    const id = idOf(params);
    if (id === undefined) return undefined;
    const stored = this.byId.get(id);
    return stored === undefined ? { refused: 'not-found' } : { query: stored };
  }
}

/**
 * The refusal as the persisted operations conventions word it. An unknown id answers like an
 * automatic persisted query miss (HTTP 200), so Apollo-style clients retry with the text —
 * which runs when it is trusted; a text outside the list is refused with 400, as a document
 * that fails validation is.
 */
export function refusalError(refusal: Refusal, overHttp = true): GraphQLError {
  const [message, code, status] =
    refusal === 'not-found'
      ? ['PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', 200]
      : ['PersistedQueryOnly: this server runs only trusted documents', 'PERSISTED_QUERY_ONLY', 400];
  return createGraphQLError(message, { extensions: overHttp ? { code, http: { status } } : { code } });
}

/**
 * Trusted documents over HTTP (GET, POST, server-sent events): the request's document is
 * resolved before Yoga checks its parameters — `documentId` from the body or, for GET, the
 * URL; or `extensions.persistedQuery.sha256Hash` — and refused when it is not trusted and the
 * caller (useParseAuth, which runs first) is not master. graphql-ws operations are resolved
 * by the same `TrustedDocuments` in server/ws.ts, since Yoga's onParams does not run for them.
 * (graphql-yoga's persisted operations plugin was not enough: it cannot accept a trusted text
 * from a caller who is not master, nor read `documentId`, and it does not reach graphql-ws.)
 */
export function useTrustedDocuments(trusted: TrustedDocuments): Plugin {
  return {
    onParams({ request, params, setParams }) {
      const { documentId, ...rest } = params as typeof params & { documentId?: unknown };
      const fromUrl = request.method === 'GET' ? (new URL(request.url).searchParams.get('documentId') ?? undefined) : undefined;
      const outcome = trusted.resolve({ ...rest, documentId: documentId ?? fromUrl }, authOf(request)?.isMaster === true);
      if (!outcome) return;
      if ('refused' in outcome) throw refusalError(outcome.refused);
      setParams({ ...rest, query: outcome.query });
    },
  };
}
