import { readableFields } from '../cloud/data/find-parts.ts';
import { errors } from '../errors/index.ts';
import type { AdminPrincipal } from './types.ts';
import type { AdminGraphQLDeps } from './graphql/deps.ts';
import { adminContext, requireClass, requireDataFeature } from './graphql/context.ts';
import { orderOf, readPage, whereOf } from './graphql/resolvers/objects.ts';
import { csvLine, toCell } from './import/index.ts';

/** Rows read per page while exporting. */
const EXPORT_PAGE = 500;

/**
 * A class's objects (those matching `where`, the public API's where input) as a stream of CSV
 * (a header of field names, cells as the importer reads them) or JSON (`{"results": [...]}`,
 * Parse's export form), read page by page by keyset: memory stays flat whatever the class's
 * size, and a slow client slows the reads (each page is read when the stream is pulled).
 * Bad arguments throw at once (a ParseError), before any byte is sent; the reads run with the
 * admin's Auth (or the browsed-as user's), as the grid's do.
 */
export function exportObjects(
  deps: AdminGraphQLDeps,
  principal: AdminPrincipal,
  className: string,
  format: string,
  where?: unknown,
): ReadableStream<Uint8Array> {
  if (format !== 'csv' && format !== 'json') throw errors.invalidQuery(`Unknown export format ${format} (csv or json).`);
  const c = adminContext(deps, principal);
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  const condition = whereOf(c, cls, typeof where === 'string' && where !== '' ? parseJson(where) : where);
  const fields = readableFields(cls);
  const base = { where: condition, order: orderOf(cls, []), fields };
  const encoder = new TextEncoder();
  let after: string | null | undefined;
  let started = false;
  let written = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      let text = '';
      if (!started) text += format === 'csv' ? csvLine(fields) : '{"results":[';
      started = true;
      const auth = await c.dataAuth();
      const page = await readPage(c, cls, base, EXPORT_PAGE, after, (req) => deps.core.find(auth, className, req), new Set());
      for (const o of page.objects) {
        if (format === 'csv') text += csvLine(fields.map((f) => toCell(cls.fields[f], o[f])));
        else text += (written > 0 ? ',' : '') + '\n' + JSON.stringify(o);
        written++;
      }
      after = page.next;
      if (!page.next) {
        done = true;
        if (format === 'json') text += (written ? '\n' : '') + ']}\n';
      }
      if (text) controller.enqueue(encoder.encode(text));
      if (done) controller.close();
    },
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw errors.invalidJson('where is not valid JSON.');
  }
}
