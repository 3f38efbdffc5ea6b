import { ident, type Params } from '../../db/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { hasColumn } from '../../schema/index.ts';

const fieldsOf = new WeakMap<ClassDef, readonly string[]>();

/** The File fields of a class that have a column (the stored name of the file); computed once per class definition. */
export function fileFields(cls: ClassDef): readonly string[] {
  let fields = fieldsOf.get(cls);
  if (!fields) {
    fields = Object.entries(cls.fields)
      .filter(([name, def]) => def.type === 'File' && hasColumn(cls.className, name, def))
      .map(([name]) => name)
      .sort();
    fieldsOf.set(cls, fields);
  }
  return fields;
}

/**
 * Which of a batch of file names (`$1`, a text[]) objects of one class refer to, through any
 * of its File `fields`, whoever may read them: one statement per class and batch, each name
 * at most once. The orphan cleanup runs it over every class with File fields, for a page of
 * stored names at a time.
 */
export function referencedNamesSql(cls: ClassDef, fields: readonly string[]): string {
  const columns = fields.map((f) => `t.${ident(f)}`);
  const any = columns.map((c) => `${c} = ANY($1::text[])`).join(' OR ');
  return (
    `SELECT DISTINCT r."name" FROM ${ident(cls.className)} t ` +
    `CROSS JOIN LATERAL (VALUES ${columns.map((c) => `(${c})`).join(', ')}) AS r("name") ` +
    `WHERE (${any}) AND r."name" = ANY($1::text[])`
  );
}

/**
 * Objects of one class that refer to the file `name` through one of `fields`, limited to those
 * the caller may read (`access`: the caller's ACL and pointer-permission condition on alias
 * `t`, null for none): their objectId, the File fields, and `extra` columns (what a
 * protected-field mask needs to decide per object). At most `limit` rows.
 */
export function readableReferencesSql(
  cls: ClassDef,
  fields: readonly string[],
  extra: readonly string[],
  name: string,
  access: string | null,
  params: Params,
  limit: number,
): string {
  const value = params.add(name);
  const columns = [...new Set(['objectId', ...fields, ...extra])].map((f) => `t.${ident(f)}`);
  const refers = fields.map((f) => `t.${ident(f)} = ${value}`).join(' OR ');
  return `SELECT ${columns.join(', ')} FROM ${ident(cls.className)} t WHERE (${refers})${access ? ` AND ${access}` : ''} LIMIT ${Math.trunc(limit)}`;
}
