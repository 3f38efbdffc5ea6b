import type { GraphQLResolveInfo, FieldNode } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import { parseOrder, parseWhere } from '../../query/index.ts';
import type { FindRequest, IncludeRequest } from '../../core/index.ts';
import type { Ref } from '../builder.ts';
import { inp } from '../type-spec.ts';
import { connectionTypeName, edgeTypeName, orderEnumName, typeName, whereInputName } from '../inflection.ts';
import { selectedFields, subNodes, type FieldMap } from '../selection.ts';
import { readFieldsFor } from '../read-fields.ts';
import type { GenContext } from './context.ts';

export interface FindArgs {
  where?: Record<string, unknown> | null;
  order?: string[] | null;
  skip?: number | null;
  after?: string | null;
  first?: number | null;
  before?: string | null;
  last?: number | null;
}

/** The arguments of a find query or relation connection, as Parse declares them. */
export function findArgs(t: Ref, ctx: GenContext, className: string) {
  return {
    where: t.arg(inp(ctx.refs.get(whereInputName(className)), '')),
    order: t.arg(inp(ctx.refs.get(orderEnumName(className)), '[!]')),
    skip: t.arg(inp('Int', '')),
    after: t.arg(inp('String', '')),
    first: t.arg(inp('Int', '')),
    before: t.arg(inp('String', '')),
    last: t.arg(inp('Int', '')),
    options: t.arg(inp(ctx.refs.get('ReadOptionsInput'), '')),
  };
}

/**
 * Turns a connection field's arguments and selection into a core find request: the where
 * AST, the order, the page, and exactly the work the selection needs (objects only if edges
 * or pageInfo are selected, the count only if `count` is, the node's selected fields only).
 */
export function findRequest(
  info: GraphQLResolveInfo,
  nodes: readonly FieldNode[],
  cls: ClassDef,
  classes: ReadonlyMap<string, ClassDef>,
  args: FindArgs,
  withIncludes = false,
): FindRequest {
  const connection = selectedFields(info, nodes, connectionTypeName(cls.className));
  const edges = subNodes(connection, 'edges');
  const pageInfo = subNodes(connection, 'pageInfo');
  let fields: string[] = ['objectId'];
  let include: IncludeRequest[] | undefined;
  if (edges.length) {
    const nodeNodes = subNodes(selectedFields(info, edges, edgeTypeName(cls.className)), 'node');
    if (nodeNodes.length) {
      const selection = selectedFields(info, nodeNodes, typeName(cls.className));
      fields = readFieldsFor(cls, selection);
      if (withIncludes) include = pointerIncludes(info, cls, classes, selection);
    }
  }
  return {
    include,
    where: args.where ? parseWhere(args.where, cls, { classes }) : undefined,
    order: parseOrder(args.order, cls),
    page: { skip: args.skip, after: args.after, first: args.first, before: args.before, last: args.last },
    fields,
    wantObjects: edges.length > 0 || pageInfo.length > 0,
    wantCount: connection.has('count'),
    wantHasNext: pageFlagsSelected(info, pageInfo),
  };
}

/**
 * The pointer fields selected on a page's objects, with the target fields their sub-selections
 * read: core joins them into the page's statement, and the pointer resolvers find them attached.
 */
function pointerIncludes(info: GraphQLResolveInfo, cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, selection: FieldMap): IncludeRequest[] | undefined {
  let include: IncludeRequest[] | undefined;
  for (const [name, fieldNodes] of selection) {
    const def = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    const target = def?.type === 'Pointer' && def.targetClass ? classes.get(def.targetClass) : undefined;
    if (!target) continue;
    (include ??= []).push({ field: name, fields: readFieldsFor(target, selectedFields(info, fieldNodes, typeName(target.className))) });
  }
  return include;
}

/** Whether hasNextPage or hasPreviousPage is selected (cursors alone need no look-ahead or count). */
function pageFlagsSelected(info: GraphQLResolveInfo, pageInfo: readonly FieldNode[]): boolean {
  if (!pageInfo.length) return false;
  const flags = selectedFields(info, pageInfo, 'PageInfo');
  return flags.has('hasNextPage') || flags.has('hasPreviousPage');
}
