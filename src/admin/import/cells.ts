import type { FieldDef } from '../../schema/index.ts';

/*
 * A CSV cell of a field, both ways, by the field's type: strings as they are, numbers and
 * booleans as written, dates as ISO 8601, pointers as the target's objectId, files as their
 * name, everything else (objects, arrays, ACLs, points, polygons, bytes) as its REST JSON.
 * An empty cell is no value. What the exporter writes, the importer reads back.
 */

/** A field's REST JSON value as a cell. */
export function toCell(field: FieldDef | undefined, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const v = value as Record<string, unknown>;
  if (v.__type === 'Date' && typeof v.iso === 'string') return v.iso;
  if (field?.type === 'Pointer' && v.__type === 'Pointer' && typeof v.objectId === 'string') return v.objectId;
  if (field?.type === 'File' && v.__type === 'File' && typeof v.name === 'string') return v.name;
  return JSON.stringify(value);
}

/** A cell as the field's REST JSON value; undefined for an empty cell. Throws a message for a cell that does not fit. */
export function fromCell(name: string, field: FieldDef | undefined, cell: string): unknown {
  if (cell === '') return undefined;
  switch (field?.type) {
    case 'String':
      return cell;
    case 'Number': {
      const n = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(n)) throw new Error(`${name}: "${cell}" is not a number`);
      return n;
    }
    case 'Boolean':
      if (/^(true|1)$/i.test(cell)) return true;
      if (/^(false|0)$/i.test(cell)) return false;
      throw new Error(`${name}: "${cell}" is not true or false`);
    case 'Date':
      if (Number.isNaN(Date.parse(cell))) throw new Error(`${name}: "${cell}" is not a date`);
      return { __type: 'Date', iso: new Date(cell).toISOString() };
    case 'Pointer':
      return cell.startsWith('{') ? json(name, cell) : { __type: 'Pointer', className: field.targetClass, objectId: cell };
    case 'File':
      return cell.startsWith('{') ? json(name, cell) : { __type: 'File', name: cell };
    case undefined:
      // Not a field of the class: kept as text, and the write names the field (105).
      return cell;
    default:
      return json(name, cell);
  }
}

function json(name: string, cell: string): unknown {
  try {
    return JSON.parse(cell);
  } catch {
    throw new Error(`${name}: not valid JSON`);
  }
}
