import type { WriteHooks } from '../../core/index.ts';
import { fileFields } from '../../query/sql/file-references.ts';
import type { SchemaStore } from '../../schema/index.ts';
import type { FileLinks } from './links.ts';

/** The stored names a write puts into File fields (`{__type: 'File', name}` from cloud code included). */
function linkedNames(fields: readonly string[], input: Readonly<Record<string, unknown>>): string[] {
  const names: string[] = [];
  for (const field of fields) {
    const value = Object.hasOwn(input, field) ? input[field] : undefined;
    if (typeof value === 'string') names.push(value);
    else if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') names.push((value as { name: string }).name);
  }
  return names;
}

/**
 * The write hook (for every class, `*`) that enforces FileLinks in objects mode on every write
 * path — GraphQL mutations and their nested creates, cloud code's data API, later REST: a
 * create or update that puts a stored name into a File field is refused (119) unless the
 * caller may link it. It runs before the class's own before hooks (cloud code's beforeSave),
 * so what trusted code sets there is not checked. Registered only in objects mode.
 */
export function fileLinkHook(links: FileLinks, schema: SchemaStore): WriteHooks {
  return {
    async before(op) {
      if (op.kind === 'delete' || op.auth.isMaster) return;
      const cls = schema.current.classes.get(op.className);
      if (!cls) return;
      const fields = fileFields(cls);
      if (fields.length === 0) return;
      const names = linkedNames(fields, op.input);
      if (names.length) await links.check(op.auth, names, op.sql);
    },
  };
}
