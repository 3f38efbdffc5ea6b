import type { AnyVariables, Client, DocumentInput } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback } from 'preact/hooks';

/** A GraphQL error turned into one message (the first error's text, with its Parse code). */
export class GqlError extends Error {
  constructor(
    message: string,
    readonly code?: number | string,
  ) {
    super(message);
  }
}

/** Runs one query or mutation and answers its data, throwing GqlError on any error. */
export async function runGql<T = Record<string, unknown>, V extends AnyVariables = AnyVariables>(
  client: Client,
  doc: DocumentInput<T, V> | string,
  variables?: V,
): Promise<T> {
  const isMutation = typeof doc === 'string' ? /^\s*mutation\b/.test(doc) : undefined;
  const op = isMutation ? client.mutation(doc, (variables ?? {}) as V) : client.query(doc, (variables ?? {}) as V);
  const result = await op.toPromise();
  if (result.error) {
    const first = result.error.graphQLErrors[0];
    const code = first?.extensions?.code as number | string | undefined;
    throw new GqlError(first?.message ?? result.error.networkError?.message ?? result.error.message, code);
  }
  return result.data as T;
}

/**
 * The imperative GraphQL helper for event handlers: `const gql = useGql(); await gql(QUERY, vars)`.
 * Strings starting with `mutation` run as mutations. For render-driven data use urql's own
 * `useQuery` / `useMutation` / `useSubscription` (re-exported from api/index.ts).
 */
export function useGql(): <T = Record<string, unknown>>(doc: string, variables?: Record<string, unknown>) => Promise<T> {
  const client = useClient();
  return useCallback(<T>(doc: string, variables?: Record<string, unknown>) => runGql<T>(client, doc, variables as AnyVariables), [client]);
}
