import { Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { useOperationGuard } from './operation-guard.ts';
import { isHandedOver } from './use-parse-auth.ts';

/** The fields that read the schema itself; `__typename` is not one of them (clients need it, Parse allows it). */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Whether the operation that runs reads the schema: a `__schema` or `__type` field anywhere in
 * its selection, through inline fragments and fragment spreads (each fragment looked at once).
 * Decided on the parsed document, so the names inside strings, aliases or comments do not count.
 */
export function readsSchema(document: DocumentNode, operationName?: string | null): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation) return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): boolean => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_FIELDS.has(selection.name.value)) return true;
        if (selection.selectionSet && visit(selection.selectionSet)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(selection.selectionSet)) return true;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment && visit(fragment.selectionSet)) return true;
      }
    }
    return false;
  };
  return visit(operation.selectionSet);
}

/** Parse Server's answer (IntrospectionControlPlugin), word for word: HTTP 403. */
export function introspectionRefused() {
  return createGraphQLError('Introspection is not allowed', { extensions: { http: { status: 403 } } });
}

/**
 * Parse's `graphQLPublicIntrospection` (PLINTH_PUBLIC_INTROSPECTION): when off, an operation
 * that reads the schema (`readsSchema`) is refused before it runs, unless the caller is master
 * (the master key, a dashboard admin: `Auth.isMaster`) or the dashboard's GraphiQL proxy, whose
 * page needs the schema for completion and documentation whichever identity it runs as. Runs
 * where the caller is known — over HTTP (Yoga and the direct lane) and graphql-ws alike. The
 * answer per document and operation is kept (the parse cache hands out the same document).
 * "Did you mean" suggestions, the other way a schema leaks, are hidden by useLimits.
 */
export function useIntrospectionControl(publicIntrospection: boolean): Plugin {
  if (publicIntrospection) return {};
  const known = new WeakMap<DocumentNode, Map<string, boolean>>();
  return useOperationGuard((args, context) => {
    if (context.auth?.isMaster || (context.request && isHandedOver(context.request))) return undefined;
    let byOperation = known.get(args.document);
    if (!byOperation) known.set(args.document, (byOperation = new Map()));
    const key = args.operationName ?? '';
    let reads = byOperation.get(key);
    if (reads === undefined) byOperation.set(key, (reads = readsSchema(args.document, args.operationName)));
    return reads ? introspectionRefused() : undefined;
  });
}
