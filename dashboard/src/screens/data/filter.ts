import type { FieldInfo } from '../../grid/types.ts';

/** One line of the filter builder. `key` is the dot path inside an Object field. */
export interface FilterRow {
  field: string;
  op: string;
  value: string;
  key?: string;
}

const ORDERED = ['equalTo', 'notEqualTo', 'lessThan', 'lessThanOrEqualTo', 'greaterThan', 'greaterThanOrEqualTo', 'in', 'notIn', 'exists'];

/** The where operators the public API accepts for a field's type (API.md, "Where operators"). */
export function operatorsFor(field: FieldInfo): string[] {
  if (field.name === 'objectId') return ['equalTo', 'notEqualTo', 'in', 'notIn'];
  switch (field.type) {
    case 'String':
      return [...ORDERED, 'matchesRegex'];
    case 'Number':
    case 'Date':
    case 'Object':
      return ORDERED;
    case 'Boolean':
      return ['equalTo', 'notEqualTo', 'exists'];
    case 'Array':
      return ['contains', 'containedBy', 'exists'];
    case 'Pointer':
    case 'Relation':
      return ['have', 'haveNot', 'exists'];
    default:
      return ['exists'];
  }
}

export const OP_LABELS: Record<string, string> = {
  equalTo: '=',
  notEqualTo: '≠',
  lessThan: '<',
  lessThanOrEqualTo: '≤',
  greaterThan: '>',
  greaterThanOrEqualTo: '≥',
  in: 'in',
  notIn: 'not in',
  exists: 'exists',
  matchesRegex: 'matches regex',
  contains: 'contains',
  containedBy: 'contained by',
  have: 'is (objectId)',
  haveNot: 'is not (objectId)',
};

function scalar(text: string, field: FieldInfo): unknown {
  const t = text.trim();
  switch (field.type) {
    case 'Number': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) throw new Error(`${field.name}: "${t}" is not a number`);
      return n;
    }
    case 'Boolean':
      if (t !== 'true' && t !== 'false') throw new Error(`${field.name}: use true or false`);
      return t === 'true';
    case 'Date': {
      const d = new Date(t);
      if (Number.isNaN(d.getTime())) throw new Error(`${field.name}: "${t}" is not a date`);
      return d.toISOString();
    }
    case 'Object':
    case 'Array':
      try {
        return JSON.parse(t);
      } catch {
        return t;
      }
    default:
      return text;
  }
}

function list(text: string, field: FieldInfo): unknown[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t);
      if (Array.isArray(v)) return v;
    } catch {}
  }
  return t
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => scalar(s, field.type === 'Array' ? { ...field, type: 'Object' } : field));
}

/** The `{op: value}` of one filter line, in the public where-input shape. */
function condition(row: FilterRow, field: FieldInfo): Record<string, unknown> {
  const { op } = row;
  if (op === 'exists') return { exists: row.value.trim() !== 'false' };
  if (op === 'have' || op === 'haveNot') return { [op]: { objectId: { equalTo: row.value.trim() } } };
  const value = op === 'in' || op === 'notIn' || op === 'contains' || op === 'containedBy' ? list(row.value, field) : scalar(row.value, field);
  if (field.type === 'Object') {
    if (!row.key?.trim()) throw new Error(`${field.name}: give the key (dot path) to compare`);
    return { [op]: { key: row.key.trim(), value } };
  }
  return { [op]: value };
}

/**
 * The `where` JSON of the filter lines, exactly as the public GraphQL API takes it (and the admin
 * API's objects/count/export): one entry per field, or AND when a field repeats an operator.
 * Throws an Error naming the field when a value does not fit its type.
 */
export function buildWhere(rows: FilterRow[], fields: FieldInfo[]): Record<string, unknown> | null {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const merged: Record<string, Record<string, unknown>> = {};
  const extra: Record<string, unknown>[] = [];
  for (const row of rows) {
    const field = byName.get(row.field);
    if (!field) continue;
    const cond = condition(row, field);
    const opKey = Object.keys(cond)[0]!;
    const slot = (merged[row.field] ??= {});
    if (opKey in slot || field.type === 'Object') extra.push({ [row.field]: cond });
    else Object.assign(slot, cond);
  }
  const where: Record<string, unknown> = {};
  for (const [name, cond] of Object.entries(merged)) if (Object.keys(cond).length) where[name] = cond;
  if (extra.length) where.AND = extra;
  return Object.keys(where).length ? where : null;
}

/** The placeholder hint of a value box. */
export function valueHint(field: FieldInfo | undefined, op: string): string {
  if (!field) return '';
  if (op === 'in' || op === 'notIn' || op === 'contains' || op === 'containedBy') return 'a, b, c  or  JSON array';
  if (op === 'have' || op === 'haveNot') return `objectId of ${field.targetClass ?? 'target'}`;
  if (field.type === 'Date') return '2026-01-31 or ISO date';
  if (op === 'matchesRegex') return 'regular expression';
  return field.type === 'Object' ? 'value (JSON or text)' : 'value';
}
