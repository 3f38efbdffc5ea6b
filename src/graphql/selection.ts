import {
  Kind,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type DirectiveNode,
  type GraphQLNamedType,
} from 'graphql';

export type FieldMap = Map<string, FieldNode[]>;

function directiveValue(d: DirectiveNode, variables: Record<string, unknown>): boolean | undefined {
  const arg = d.arguments?.find((a) => a.name.value === 'if');
  if (!arg) return undefined;
  if (arg.value.kind === Kind.BOOLEAN) return arg.value.value;
  if (arg.value.kind === Kind.VARIABLE) return Boolean(variables[arg.value.name.value]);
  return undefined;
}

/** @skip / @include; reports whether the answer depended on variables (then it is not cached). */
function included(node: { directives?: readonly DirectiveNode[] }, variables: Record<string, unknown>, dyn: { v: boolean }): boolean {
  for (const d of node.directives ?? []) {
    const name = d.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    if (d.arguments?.some((a) => a.value.kind === Kind.VARIABLE)) dyn.v = true;
    const v = directiveValue(d, variables);
    if (name === 'skip' && v === true) return false;
    if (name === 'include' && v === false) return false;
  }
  return true;
}

function conditionMatches(info: GraphQLResolveInfo, condition: string | undefined, type: GraphQLNamedType): boolean {
  if (!condition || condition === type.name) return true;
  const cond = info.schema.getType(condition);
  return !!cond && isAbstractType(cond) && (isObjectType(type) || isInterfaceType(type)) && info.schema.isSubType(cond, type);
}

const cache = new WeakMap<FieldNode, Map<string, FieldMap>>();

/**
 * The fields selected under `nodes` on the concrete type `typeName`, with fragments and inline
 * fragments merged and @skip/@include applied — what a resolver needs to read only the
 * selected columns. Cached per document node when no variable decides the answer.
 */
export function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[], typeName: string): FieldMap {
  const first = nodes[0];
  const cachedByType = first && nodes.length === 1 ? cache.get(first) : undefined;
  const hit = cachedByType?.get(typeName);
  if (hit) return hit;
  const type = info.schema.getType(typeName);
  const result: FieldMap = new Map();
  const dyn = { v: false };
  const visitedFragments = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    if (!set || !type) return;
    for (const sel of set.selections) {
      if (!included(sel, info.variableValues, dyn)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.name.value;
        const list = result.get(key);
        if (list) list.push(sel);
        else result.set(key, [sel]);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (conditionMatches(info, sel.typeCondition?.name.value, type)) visit(sel.selectionSet);
      } else {
        const name = sel.name.value;
        const fragment = info.fragments[name];
        if (!fragment || visitedFragments.has(name)) continue;
        visitedFragments.add(name);
        if (conditionMatches(info, fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
      }
    }
  };
  for (const node of nodes) visit(node.selectionSet);
  if (first && nodes.length === 1 && !dyn.v) {
    let byType = cache.get(first);
    if (!byType) cache.set(first, (byType = new Map()));
    byType.set(typeName, result);
  }
  return result;
}

/** The nodes of one sub-field (e.g. `edges`) across a field map, or an empty list. */
export function subNodes(fields: FieldMap, name: string): FieldNode[] {
  return fields.get(name) ?? [];
}
