import type { FindResult } from '../../core/index.ts';
import { offsetCursor } from '../../query/index.ts';
import { connectionTypeName, edgeTypeName, typeName } from '../inflection.ts';
import { out } from '../type-spec.ts';
import type { Ref } from '../builder.ts';
import type { GenContext } from './context.ts';

/** `PostEdge { node: Post, cursor: String! }` and `PostConnection { pageInfo, edges, count }`. */
export function declareConnection(ctx: GenContext, className: string): void {
  const b = ctx.builder as Ref;
  ctx.refs.set(edgeTypeName(className), b.objectRef(edgeTypeName(className)));
  ctx.refs.set(connectionTypeName(className), b.objectRef(connectionTypeName(className)));
}

export function implementConnection(ctx: GenContext, className: string): void {
  ctx.refs.get(edgeTypeName(className)).implement({
    fields: (t: Ref) => ({
      // Read off the edge as it is (no resolver): the JIT builds the node inline with its edge.
      node: t.field(out(ctx.refs.get(typeName(className)), '')),
      cursor: t.field({ ...out('String', '!'), resolve: (e: Edge) => e.page.cursor(e.index) }),
    }),
  });
  ctx.refs.get(connectionTypeName(className)).implement({
    fields: (t: Ref) => ({
      pageInfo: t.field({ ...out(ctx.refs.get('PageInfo'), '!'), resolve: pageInfo }),
      edges: t.field({ ...out(ctx.refs.get(edgeTypeName(className)), '[]'), resolve: edges }),
      count: t.field({ ...out('Int', '!'), resolve: (r: FindResult) => r.count ?? 0 }),
    }),
  });
}

/** An edge of a page; its cursor is made only when selected (an encoded cursor per row costs a tenth of a 100-row list). */
interface Edge {
  node: unknown;
  page: FindResult;
  index: number;
}

function edges(r: FindResult): Edge[] {
  return r.objects.map((node, index) => ({ node, page: r, index }));
}

function pageInfo(r: FindResult) {
  const n = r.objects.length;
  return {
    hasNextPage: r.hasNextPage,
    hasPreviousPage: r.hasPreviousPage,
    startCursor: n ? r.cursor(0) : offsetCursor(r.skip),
    endCursor: n ? r.cursor(n - 1) : offsetCursor(r.skip),
  };
}
