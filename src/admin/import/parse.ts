import { errors } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { fromCell } from './cells.ts';
import { parseCsv } from './csv.ts';

/** One object to import: its REST JSON and where it came from (row number, 1-based). */
export interface ImportRow {
  row: number;
  fields: Record<string, unknown>;
}

export interface ParsedImport {
  rows: ImportRow[];
  /** Rows that could not be read, with their number and why. */
  errors: string[];
}

/** Objects in one import, at most. */
export const MAX_IMPORT_ROWS = 100_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An import's text as REST objects: 'json' — an array of objects, or Parse's export
 * (`{"results": [...]}`); 'csv' — a header row of field names, then one object per row, each
 * cell read by its field's type (import/cells.ts).
 */
export function parseImport(cls: ClassDef, format: string, text: string): ParsedImport {
  const parsed = format === 'json' ? fromJson(text) : format === 'csv' ? fromCsv(cls, text) : undefined;
  if (!parsed) throw errors.invalidQuery(`Unknown import format ${format} (json or csv).`);
  if (parsed.rows.length > MAX_IMPORT_ROWS) throw errors.invalidQuery(`At most ${MAX_IMPORT_ROWS} objects are imported at once.`);
  return parsed;
}

function fromJson(text: string): ParsedImport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalidJson('The import is not valid JSON.');
  }
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.results) ? value.results : undefined;
  if (!list) throw errors.invalidJson('Expected an array of objects, or {"results": [...]}.');
  const out: ParsedImport = { rows: [], errors: [] };
  list.forEach((item, i) => {
    if (isObject(item)) out.rows.push({ row: i + 1, fields: item });
    else out.errors.push(`Row ${i + 1}: not an object`);
  });
  return out;
}

function fromCsv(cls: ClassDef, text: string): ParsedImport {
  const [header, ...lines] = parseCsv(text);
  const out: ParsedImport = { rows: [], errors: [] };
  if (!header) return out;
  const names = header.map((h) => h.trim());
  lines.forEach((cells, i) => {
    if (cells.length === 1 && cells[0] === '') return; // a blank line
    const fields: Record<string, unknown> = {};
    try {
      names.forEach((name, c) => {
        const value = fromCell(name, Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined, cells[c] ?? '');
        if (value !== undefined && name !== '') fields[name] = value;
      });
      out.rows.push({ row: i + 1, fields });
    } catch (error) {
      out.errors.push(`Row ${i + 1}: ${(error as Error).message}`);
    }
  });
  return out;
}
