import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GraphQLError, ValidationContext } from 'graphql';
import { ErrorCode } from '../../errors/index.ts';
import { documentNesting } from './document-nesting.ts';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxInputDepth: number;
  maxNesting: number;
  /** The largest document accepted, in UTF-8 bytes (checked before parsing). */
  maxDocumentBytes: number;
}

function depth(value: unknown, limit: number, level = 0): number {
  if (level > limit || value === null || typeof value !== 'object') return level;
  let max = level;
  for (const v of Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depth(v, limit, level + 1));
    if (max > limit) break;
  }
  return max;
}

function rejected(message: string, code: number): GraphQLError {
  return createGraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * Whether a document's UTF-8 form is longer than `max` bytes. Its length in UTF-16 units
 * settles most documents without encoding them: a unit takes one to three bytes (a pair of
 * surrogates, two units, takes four).
 */
function longerThan(document: string, max: number): boolean {
  if (document.length > max) return true;
  if (document.length * 3 <= max) return false;
  return Buffer.byteLength(document, 'utf8') > max;
}

/**
 * The checks made before a document is parsed: its size (the parser and armor's token count
 * would otherwise walk a megabyte of comments or white space, which count as no token), how
 * deeply its brackets nest, and how deeply its variables nest. Used for HTTP requests (below)
 * and graphql-ws operations (server/ws.ts).
 */
export function paramsError(
  params: { query?: unknown; variables?: unknown },
  limits: Pick<Limits, 'maxNesting' | 'maxInputDepth' | 'maxDocumentBytes'>,
): GraphQLError | undefined {
  if (typeof params.query === 'string' && longerThan(params.query, limits.maxDocumentBytes)) {
    return rejected(`The document is larger than ${limits.maxDocumentBytes} bytes (send large values as variables).`, ErrorCode.INVALID_QUERY);
  }
  if (typeof params.query === 'string' && documentNesting(params.query, limits.maxNesting) > limits.maxNesting) {
    return rejected(`The document is nested more than ${limits.maxNesting} levels deep.`, ErrorCode.INVALID_QUERY);
  }
  if (params.variables && depth(params.variables, limits.maxInputDepth) > limits.maxInputDepth) {
    return rejected(`Variables are nested more than ${limits.maxInputDepth} levels deep.`, ErrorCode.INVALID_QUERY);
  }
  return undefined;
}

/**
 * How armor's validation rules (depth, aliases, directives) refuse a document: as a validation
 * error, like graphql-js's own rules (HTTP 400, GRAPHQL_VALIDATION_FAILED: server/plugins/
 * use-request-errors.ts). By default they throw, which ends validation with an error that Yoga
 * answers with HTTP 200 (and graphql-ws cannot place at all).
 */
const reportedWhileValidating = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/**
 * Limits against abusive documents: graphql-armor's depth, alias, token and directive caps
 * (the seed of the bench sends 100 aliased mutations, so aliases allow more than armor's
 * default); caps on the document's size and on how deeply brackets nest in its text, checked
 * before it is parsed (the parser recurses, and armor's depth rule runs only after parsing);
 * and a cap on how deeply variables nest, checked before they are coerced. Every refusal is
 * HTTP 400, before anything runs. `hideSuggestions`: leave graphql-js's "Did you mean …?" out
 * of errors (they name fields of the schema), where introspection is not public. The rows an
 * operation may read are budgeted by use-row-budget.ts, which needs the caller and variables.
 */
export function useLimits(limits: Limits, hideSuggestions: boolean): Plugin[] {
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reportedWhileValidating },
    maxAliases: { n: limits.maxAliases, ...reportedWhileValidating },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives, ...reportedWhileValidating },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: hideSuggestions },
  });
  const beforeParsing: Plugin = {
    onParams({ params }) {
      const error = paramsError(params, limits);
      if (error) throw error;
    },
  };
  return [armor as Plugin, beforeParsing];
}
