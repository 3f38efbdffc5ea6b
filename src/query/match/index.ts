import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Condition } from '../ast.ts';
import { compileCompare } from './compare.ts';
import { compileIntersectsPoint, compileNear, compileWithinBox, compileWithinPolygon, compileWithinSphere } from './geo.ts';
import { compileIn } from './in.ts';
import { pointerIdCondition } from './pointer-ids.ts';
import { ALWAYS, NEVER, type MatchObject, type Predicate } from './types.ts';
import { unsupportedInMemory } from './unsupported.ts';
import { compileContainedBy, compileContainsAll, compileContainsAllStartingWith, compileExists, compileRegex } from './values.ts';

export { unsupportedInMemory };
export type { MatchObject, Predicate };

/**
 * Compiles a `where` (the AST the SQL compiler also takes, see ast.ts) into an in-memory
 * predicate over objects in core's form (core/object.ts), for live queries: decided once per
 * subscription, then run for every change event. It gives the answer the SQL compiler gives
 * for the same object (test/query/agreement.db.test.ts holds both to one table of cases) —
 * except that a `have` on a pointer's id takes the pointed-to object to exist and be readable
 * (pointer-ids.ts). Conditions that need other objects or the database (see unsupportedInMemory) are refused
 * with 102. `cls` is the class the where applies to (named in messages).
 */
export function compileMatcher(cond: Condition, cls: ClassDef): (object: MatchObject) => boolean {
  const reason = unsupportedInMemory(cond);
  if (reason) throw new ParseError(ErrorCode.INVALID_QUERY, `${reason} (class ${cls.className})`);
  return compile(cond);
}

function compile(cond: Condition): Predicate {
  switch (cond.kind) {
    case 'const':
      return cond.value ? ALWAYS : NEVER;
    case 'and':
      return all(cond.conditions.map(compile));
    case 'or':
      return any(cond.conditions.map(compile));
    case 'nor': {
      const either = any(cond.conditions.map(compile));
      return (o) => !either(o);
    }
    case 'compare':
      return compileCompare(cond.field, cond.op, cond.value);
    case 'in':
      return compileIn(cond.field, cond.values, cond.negated);
    case 'exists':
      return compileExists(cond);
    case 'regex':
      return compileRegex(cond);
    case 'containsAll':
      return compileContainsAll(cond);
    case 'containsAllStartingWith':
      return compileContainsAllStartingWith(cond);
    case 'containedBy':
      return compileContainedBy(cond);
    case 'near':
      return compileNear(cond);
    case 'withinBox':
      return compileWithinBox(cond);
    case 'withinPolygon':
      return compileWithinPolygon(cond);
    case 'withinSphere':
      return compileWithinSphere(cond);
    case 'intersectsPoint':
      return compileIntersectsPoint(cond);
    case 'pointerMatches': {
      // Only a test of the target's id, which the pointer itself holds (unsupportedInMemory refused the rest).
      const onPointer = pointerIdCondition(cond);
      if (onPointer) return compile(onPointer);
      throw new ParseError(ErrorCode.INVALID_QUERY, unsupportedInMemory(cond)!);
    }
    default:
      // unsupportedInMemory refused the rest before compiling
      throw new ParseError(ErrorCode.INVALID_QUERY, unsupportedInMemory(cond) ?? `Unknown condition ${(cond as Condition).kind}`);
  }
}

/** Every predicate holds (true for none). */
function all(parts: Predicate[]): Predicate {
  if (parts.length === 0) return ALWAYS;
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) {
    const [a, b] = parts;
    return (o) => a(o) && b(o);
  }
  return (o) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i](o)) return false;
    return true;
  };
}

/** Some predicate holds (false for none). */
function any(parts: Predicate[]): Predicate {
  if (parts.length === 0) return NEVER;
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) {
    const [a, b] = parts;
    return (o) => a(o) || b(o);
  }
  return (o) => {
    for (let i = 0; i < parts.length; i++) if (parts[i](o)) return true;
    return false;
  };
}
