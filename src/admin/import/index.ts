import type { Auth } from '../../security/index.ts';
import type { Core, WriteInput } from '../../core/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { CloudEnv } from '../../cloud/object/index.ts';
import { ParseError } from '../../errors/index.ts';
import { parseImport } from './parse.ts';

export { parseImport, type ImportRow, type ParsedImport } from './parse.ts';
export { parseCsv, csvLine } from './csv.ts';
export { toCell } from './cells.ts';

/** Objects written per transaction. */
export const IMPORT_BATCH = 200;

/** Fields a write sets itself: kept out of the preview's field list and of writes. */
const SERVER_FIELDS = new Set(['objectId', 'createdAt', 'updatedAt', 'className', '__type']);

/** What an import would do: how many objects, the first few, their fields, the rows that cannot be read or name unknown fields. */
export function previewImport(cls: ClassDef, format: string, text: string) {
  const parsed = parseImport(cls, format, text);
  const fields = new Set<string>();
  for (const r of parsed.rows) for (const k of Object.keys(r.fields)) if (!SERVER_FIELDS.has(k)) fields.add(k);
  const unknown = [...fields].filter((f) => !Object.hasOwn(cls.fields, f));
  return {
    total: parsed.rows.length,
    sample: parsed.rows.slice(0, 20).map((r) => r.fields),
    fields: [...fields],
    errors: [...parsed.errors, ...unknown.map((f) => `Field ${f} does not exist in class ${cls.className}.`)],
  };
}

function reason(error: unknown): string {
  return error instanceof ParseError ? error.message : 'Internal server error';
}

/**
 * Creates the objects of an import in batches, each one transaction. A batch that fails is
 * written again object by object, so that the rows that can be written are, and each failure
 * is reported with its row.
 */
export async function importObjects(
  deps: { core: Core; env: CloudEnv; decode: (fields: Record<string, unknown>) => WriteInput },
  auth: Auth,
  cls: ClassDef,
  format: string,
  text: string,
) {
  const parsed = parseImport(cls, format, text);
  const errors = [...parsed.errors];
  let created = 0;
  let failed = parsed.errors.length;
  const inputs: { row: number; input: WriteInput }[] = [];
  for (const r of parsed.rows) {
    try {
      inputs.push({ row: r.row, input: deps.decode(r.fields) });
    } catch (error) {
      failed++;
      errors.push(`Row ${r.row}: ${reason(error)}`);
    }
  }
  const { core } = deps;
  for (let i = 0; i < inputs.length; i += IMPORT_BATCH) {
    const batch = inputs.slice(i, i + IMPORT_BATCH);
    try {
      await core.transaction(async (uow) => {
        for (const b of batch) await core.create(auth, cls.className, b.input, { uow });
      });
      created += batch.length;
    } catch {
      for (const b of batch) {
        try {
          await core.create(auth, cls.className, b.input);
          created++;
        } catch (error) {
          failed++;
          if (errors.length < 1000) errors.push(`Row ${b.row}: ${reason(error)}`);
        }
      }
    }
  }
  return { created, failed, errors };
}
