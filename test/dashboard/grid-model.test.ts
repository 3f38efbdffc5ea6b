import { describe, expect, it } from 'vitest';
import { moveColumn, resolveColumns } from '../../dashboard/src/grid/columns.ts';
import { PAGE_SIZE, RowStore } from '../../dashboard/src/grid/pager.ts';
import type { FieldInfo, Obj } from '../../dashboard/src/grid/types.ts';
import { parseInput, UNSET } from '../../dashboard/src/grid/values.ts';
import { buildWhere, operatorsFor } from '../../dashboard/src/screens/data/filter.ts';

const f = (name: string, type: string, targetClass?: string): FieldInfo => ({ name, type, targetClass, required: false });
const fields = [
  f('objectId', 'String'),
  f('title', 'String'),
  f('n', 'Number'),
  f('done', 'Boolean'),
  f('when', 'Date'),
  f('author', 'Pointer', '_User'),
  f('meta', 'Object'),
  f('tags', 'Array'),
];

describe('the filter builder writes the public API where input', () => {
  it('merges operators per field and converts values by type', () => {
    const where = buildWhere(
      [
        { field: 'n', op: 'greaterThan', value: '2' },
        { field: 'n', op: 'lessThan', value: '10' },
        { field: 'done', op: 'equalTo', value: 'true' },
        { field: 'title', op: 'in', value: 'a, b' },
        { field: 'when', op: 'exists', value: 'false' },
        { field: 'author', op: 'have', value: 'u1' },
        { field: 'meta', op: 'equalTo', key: 'a.b', value: '3' },
        { field: 'tags', op: 'contains', value: 'x,y' },
      ],
      fields,
    );
    expect(where).toEqual({
      n: { greaterThan: 2, lessThan: 10 },
      done: { equalTo: true },
      title: { in: ['a', 'b'] },
      when: { exists: false },
      author: { have: { objectId: { equalTo: 'u1' } } },
      tags: { contains: ['x', 'y'] },
      AND: [{ meta: { equalTo: { key: 'a.b', value: 3 } } }],
    });
  });

  it('uses AND when an operator repeats, and refuses values that do not fit', () => {
    expect(
      buildWhere(
        [
          { field: 'n', op: 'equalTo', value: '1' },
          { field: 'n', op: 'equalTo', value: '2' },
        ],
        fields,
      ),
    ).toEqual({
      n: { equalTo: 1 },
      AND: [{ n: { equalTo: 2 } }],
    });
    expect(() => buildWhere([{ field: 'n', op: 'equalTo', value: 'x' }], fields)).toThrow(/n: "x" is not a number/);
    expect(buildWhere([], fields)).toBeNull();
  });

  it('offers the operators each type takes', () => {
    expect(operatorsFor(f('title', 'String'))).toContain('matchesRegex');
    expect(operatorsFor(f('n', 'Number'))).not.toContain('matchesRegex');
    expect(operatorsFor(f('author', 'Pointer'))).toEqual(['have', 'haveNot', 'exists']);
    expect(operatorsFor(f('objectId', 'String'))).toEqual(['equalTo', 'notEqualTo', 'in', 'notIn']);
  });
});

describe('cell editors parse per type', () => {
  it('encodes values in REST form, and empty text unsets', () => {
    expect(parseInput('12.5', f('n', 'Number'))).toBe(12.5);
    expect(parseInput('', f('n', 'Number'))).toBe(UNSET);
    expect(parseInput('2026-01-02T03:04:05Z', f('when', 'Date'))).toEqual({ __type: 'Date', iso: '2026-01-02T03:04:05.000Z' });
    expect(parseInput('abc', f('author', 'Pointer', '_User'))).toEqual({ __type: 'Pointer', className: '_User', objectId: 'abc' });
    expect(parseInput('48.8, 2.3', f('loc', 'GeoPoint'))).toEqual({ __type: 'GeoPoint', latitude: 48.8, longitude: 2.3 });
    expect(() => parseInput('{', f('meta', 'Object'))).toThrow(/Invalid JSON/);
    expect(() => parseInput('[1]', f('meta', 'Object'))).toThrow(/JSON object/);
  });
});

describe('the row store pages by cursor and keeps memory bounded', () => {
  const total = 1000;
  const rows = Array.from({ length: total }, (_, i) => ({ objectId: `o${i}` }) as Obj);
  const fetched: (string | null)[] = [];
  const store = () =>
    new RowStore(async (after, first) => {
      fetched.push(after);
      const start = after ? Number(after) : 0;
      const objects = rows.slice(start, start + first);
      return { objects, next: start + first < total ? String(start + first) : null };
    });
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('loads pages as the view reaches them and drops far ones', async () => {
    fetched.length = 0;
    const s = store();
    s.ensureRange(0, 30);
    await settle();
    expect(s.rowAt(0)?.objectId).toBe('o0');
    expect(s.count).toBe(2 * PAGE_SIZE);
    for (let i = 0; i < 10; i++) {
      s.ensureRange(i * PAGE_SIZE, i * PAGE_SIZE + 30);
      await settle();
    }
    expect(s.complete).toBe(true);
    expect(s.count).toBe(total);
    expect(s.loadedRows().length).toBeLessThanOrEqual(8 * PAGE_SIZE);
    expect(s.rowAt(0)).toBeUndefined();
    s.ensureRange(0, 30);
    await settle();
    expect(s.rowAt(5)?.objectId).toBe('o5');
    expect(fetched.filter((a) => a === null)).toHaveLength(2);
  });

  it('shows live-created rows on top and removes deleted ones after a mark', async () => {
    const s = store();
    s.ensureRange(0, 10);
    await settle();
    s.insert({ objectId: 'new1', title: 'x' } as Obj);
    expect(s.rowAt(0)?.objectId).toBe('new1');
    s.update({ objectId: 'o1', title: 'changed' } as Obj);
    expect(s.rowAt(2)?.title).toBe('changed');
    s.remove('o0');
    expect(s.marks.get('o0')).toBe('gone');
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.rowAt(1)?.objectId).toBe('o1');
  });
});

describe('the column model', () => {
  it('orders, hides and sizes columns through table-core', () => {
    const { columns, totalSize } = resolveColumns(fields.slice(0, 3), { visibility: { title: false }, order: ['n'], sizing: { n: 300 } });
    expect(columns.map((c) => [c.id, c.size, c.start])).toEqual([
      ['n', 300, 0],
      ['objectId', 120, 300],
    ]);
    expect(totalSize).toBe(420);
    expect(moveColumn([], ['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
  });
});
