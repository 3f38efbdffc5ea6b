import type { ClassDef } from '../schema/index.ts';
import { selectList } from '../query/index.ts';
import { rowDecoder } from './decode.ts';
import type { ParseObject } from './object.ts';
import { columnOf } from './runtime.ts';

/*
 * Whole objects for change events (live queries): when someone declared an interest in a
 * class's writes (ChangeEvents.declareInterest), update and delete return every stored field
 * (ACL included) in the same statement, and update also the row as it was (see write.ts).
 */

/** SELECT-list entries reading every stored field of `cls` from `alias`, and how many columns they make. */
export function wholeRow(cls: ClassDef, alias: string): { list: string[]; width: number } {
  const list = selectList(cls, Object.keys(cls.fields), alias, columnOf(cls));
  // The ACL entry reads two columns ("_rperm", "_wperm"); every other entry one.
  const width = list.reduce((n, entry) => n + (entry.endsWith('"_wperm"') ? 2 : 1), 0);
  return { list, width };
}

/** Decodes the columns [start, end) of a RETURNING row into an object. */
export function decodeSlice(cls: ClassDef, columns: readonly string[], row: readonly unknown[], start: number, end: number): ParseObject {
  const names = columns.slice(start, end);
  return rowDecoder(cls, names)(names, row.slice(start, end));
}
