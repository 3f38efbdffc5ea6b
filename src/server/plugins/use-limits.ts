import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors/index.ts';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxInputDepth: number;
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

/**
 * Limits against abusive documents: graphql-armor's depth, alias, token and directive caps
 * (the seed of the bench sends 100 aliased mutations, so aliases allow more than armor's
 * default), and a cap on how deeply variables nest, checked before they are coerced.
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
  const variables: Plugin = {
    onParams({ params }) {
      if (params.variables && depth(params.variables, limits.maxInputDepth) > limits.maxInputDepth) {
        throw new GraphQLError(`Variables are nested more than ${limits.maxInputDepth} levels deep.`, { extensions: { code: ErrorCode.INVALID_JSON, http: { status: 400 } } });
      }
    },
  };
  return [armor as Plugin, variables];
}
