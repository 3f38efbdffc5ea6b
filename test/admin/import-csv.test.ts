import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from '../../src/admin/import/index.ts';
import { fromCell, toCell } from '../../src/admin/import/cells.ts';

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF or LF, and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, ""y""","1\n2"\nlast,\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '1\n2'],
      ['last', ''],
    ]);
  });

  it('writes what it reads', () => {
    const rows = [
      ['plain', 'with, comma', 'with "quote"', 'multi\r\nline', ' padded ', ''],
      ['1', '2', '3', '4', '5', '6'],
    ];
    expect(parseCsv(rows.map(csvLine).join(''))).toEqual(rows);
  });

  it('reads and writes cells per field type', () => {
    const cases: [{ type: any; targetClass?: string }, unknown][] = [
      [{ type: 'String' }, 'text'],
      [{ type: 'Number' }, 1.5],
      [{ type: 'Boolean' }, false],
      [{ type: 'Date' }, { __type: 'Date', iso: '2026-01-02T03:04:05.000Z' }],
      [
        { type: 'Pointer', targetClass: '_User' },
        { __type: 'Pointer', className: '_User', objectId: 'abc' },
      ],
      [{ type: 'File' }, { __type: 'File', name: 'f.txt' }],
      [{ type: 'Object' }, { a: [1, { b: null }] }],
      [{ type: 'Array' }, [1, 'two']],
      [{ type: 'GeoPoint' }, { __type: 'GeoPoint', latitude: 1, longitude: 2 }],
      [{ type: 'ACL' }, { '*': { read: true } }],
    ];
    for (const [field, value] of cases) expect(fromCell('f', field, toCell(field, value)), field.type).toEqual(value);
    expect(fromCell('f', { type: 'Number' }, '')).toBeUndefined();
    expect(() => fromCell('n', { type: 'Number' }, 'x')).toThrow('n: "x" is not a number');
    expect(() => fromCell('b', { type: 'Boolean' }, 'maybe')).toThrow('b: "maybe" is not true or false');
  });
});
