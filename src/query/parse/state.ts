import { errors } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Condition } from '../ast.ts';

/** What parsing a `where` needs besides the input: the catalog, for subqueries over other classes. */
export interface WhereContext {
  classes: ReadonlyMap<string, ClassDef>;
  /**
   * A key naming no field of the class (by a name a field could have) reads as a value every
   * object lacks, as Parse answers queries of its REST API and cloud code — an app may query a
   * field before any object has it. Otherwise (GraphQL's typed inputs, aggregate stages, live
   * queries, whose matchers outlive the schema they were compiled for) it is 102.
   */
  absentFields?: boolean;
}

/** Nesting (combinators and subqueries) allowed in one where. */
export const MAX_DEPTH = 12;
/** Conditions allowed in one where, subqueries included. */
export const MAX_NODES = 2000;

/** One parse in progress. */
export interface ParseState {
  ctx: WhereContext;
  /** Conditions seen so far, checked against MAX_NODES. */
  nodes: number;
  /**
   * Parses a nested where over `cls` at `depth` (subqueries). Passed in by parse/where.ts, so
   * that the operator files need not import the file that imports them.
   */
  parseNested(input: unknown, cls: ClassDef, depth: number): Condition;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A malformed query: error 102. */
export function invalid(message: string): never {
  throw errors.invalidQuery(message);
}

/**
 * A lookup table without a prototype: keys come from the client, and `constructor`,
 * `toString` or `__proto__` must not find Object.prototype's members.
 */
export function lookupTable<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null), entries);
}
