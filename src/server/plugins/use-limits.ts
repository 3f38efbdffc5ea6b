import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors/index.ts';
import { documentNesting } from './document-nesting.ts';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxInputDepth: number;
  maxNesting: number;
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
 * The checks made before a document is parsed: how deeply its brackets nest, and how deeply
 * its variables nest. Used for HTTP requests (below) and graphql-ws operations (server/ws.ts).
 */
export function paramsError(params: { query?: unknown; variables?: unknown }, limits: Pick<Limits, 'maxNesting' | 'maxInputDepth'>): GraphQLError | undefined {
  if (typeof params.query === 'string' && documentNesting(params.query, limits.maxNesting) > limits.maxNesting) {
    return rejected(`The document is nested more than ${limits.maxNesting} levels deep.`, ErrorCode.INVALID_QUERY);
  }
  if (params.variables && depth(params.variables, limits.maxInputDepth) > limits.maxInputDepth) {
    return rejected(`Variables are nested more than ${limits.maxInputDepth} levels deep.`, ErrorCode.INVALID_QUERY);
  }
  return undefined;
}

/**
 * Limits against abusive documents: graphql-armor's depth, alias, token and directive caps
 * (the seed of the bench sends 100 aliased mutations, so aliases allow more than armor's
 * default); a cap on how deeply brackets nest in the document text, checked before it is
 * parsed (the parser recurses, and armor's depth rule runs only after parsing); and a cap on
 * how deeply variables nest, checked before they are coerced.
 */
export function useLimits(limits: Limits, production: boolean): Plugin[] {
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  });
  const beforeParsing: Plugin = {
    onParams({ params }) {
      const error = paramsError(params, limits);
      if (error) throw error;
    },
  };
  return [armor as Plugin, beforeParsing];
}
