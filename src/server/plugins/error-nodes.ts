import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  getOperationAST,
  GraphQLError,
  Kind,
  type SelectionSetNode,
} from 'graphql';

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

/**
 * graphql-jit's errors carry their path and locations but not the field nodes they come from,
 * and Yoga rebuilds every error from its nodes when it writes the response: the `locations` that
 * graphql-js answers (as Parse Server does) were lost once a document was compiled (from its
 * second run on). The fields the path names are found in the operation again and the error is
 * remade with them — same message, path, extensions and cause.
 */
export function withErrorNodes<T extends ExecutionResult>(result: T, document: DocumentNode, operationName?: string | null): T {
  const errors = result.errors;
  if (!errors?.length || errors.every((e) => e.nodes?.length || !e.path)) return result;
  const operation = getOperationAST(document, operationName);
  if (!operation) return result;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const located = errors.map((error) => {
    if (error.nodes?.length || !error.path) return error;
    const nodes = fieldNodesAt(operation.selectionSet, error.path, fragments);
    if (!nodes.length) return error;
    return new GraphQLError(error.message, { nodes, path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions });
  });
  return { ...result, errors: located };
}

/** The field nodes a response path names (list indices skipped), through fragments. */
function fieldNodesAt(root: SelectionSetNode, path: readonly (string | number)[], fragments: Fragments): FieldNode[] {
  let sets = [root];
  let nodes: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue;
    nodes = [];
    for (const set of sets) collect(set, key, fragments, nodes, new Set());
    sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
  return nodes;
}

function collect(set: SelectionSetNode, responseKey: string, fragments: Fragments, out: FieldNode[], seen: Set<string>): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias?.value ?? selection.name.value) === responseKey) out.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, responseKey, fragments, out, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) collect(fragment.selectionSet, responseKey, fragments, out, seen);
    }
  }
}
