import type { Params } from '../../db/index.ts';
import type { ClassDef } from '../../schema/index.ts';

/**
 * What compiling a condition needs besides the condition: the parameter list being built, the
 * catalog (for subqueries), and the caller's read-access filter, which every subquery over
 * another class must apply so that a filter can never reveal objects the caller cannot read.
 */
export interface SqlContext {
  params: Params;
  classes: ReadonlyMap<string, ClassDef>;
  /** SQL restricting `alias` to rows the caller may read, or null (master key). */
  readFilter: (alias: string, params: Params) => string | null;
  /** Whether the unaccent extension is installed (diacritic-insensitive search). */
  unaccent: boolean;
  /** Source of fresh table aliases for subqueries. */
  nextAlias: () => string;
}

export function aliasCounter(): () => string {
  let n = 0;
  return () => 's' + ++n;
}
