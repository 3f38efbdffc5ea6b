import { errors } from '../errors/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { and, type Condition, type FieldRef, type OrderKey } from '../query/index.ts';
import type { Auth } from './auth.ts';
import { fieldMask, readPolicy } from './policy.ts';

function keyOf(field: FieldRef): string {
  return field.path?.length ? `${field.name}.${field.path.join('.')}` : field.name;
}

function checkField(hidden: ReadonlySet<string> | undefined, field: FieldRef, className: string): void {
  if (hidden?.has(field.name)) throw errors.forbidden(`This user is not allowed to query ${keyOf(field)} on class ${className}`);
}

/**
 * A subquery over another class runs as a find by the caller (as Parse runs `$inQuery` and
 * `$select` as their own queries): the CLP `find` of that class must allow it, its where may
 * not use that class's protected fields, and its pointer permissions join its where.
 */
function subquery(auth: Auth, className: string, where: Condition, classes: ReadonlyMap<string, ClassDef>): { cls?: ClassDef; where: Condition } {
  const cls = classes.get(className);
  if (!cls) return { where }; // the compiler reports the missing class (103)
  const policy = readPolicy(auth, cls, 'find');
  const guarded = guard(auth, cls, where, classes);
  return { cls, where: policy.rows ? and([guarded, policy.rows]) : guarded };
}

function guard(auth: Auth, cls: ClassDef, cond: Condition, classes: ReadonlyMap<string, ClassDef>): Condition {
  const hidden = fieldMask(auth, cls)?.queryHidden;
  const walk = (c: Condition): Condition => {
    switch (c.kind) {
      case 'const':
        return c;
      case 'and':
      case 'or':
      case 'nor': {
        const conditions = c.conditions.map(walk);
        return conditions.every((x, i) => x === c.conditions[i]) ? c : { ...c, conditions };
      }
      case 'inQueryKey': {
        checkField(hidden, c.field, cls.className);
        const sub = subquery(auth, c.className, c.where, classes);
        if (sub.cls) checkField(fieldMask(auth, sub.cls)?.queryHidden, c.key, sub.cls.className);
        return sub.where === c.where ? c : { ...c, where: sub.where };
      }
      case 'pointerMatches':
      case 'relationMatches': {
        checkField(hidden, c.field, cls.className);
        const sub = subquery(auth, c.targetClass, c.where, classes);
        return sub.where === c.where ? c : { ...c, where: sub.where };
      }
      default:
        checkField(hidden, c.field, cls.className);
        return c;
    }
  };
  return walk(cond);
}

/**
 * Checks a where for what the caller may not filter by and returns it ready to compile:
 * protected fields (of the class and of every subquery's class) → 119 `This user is not
 * allowed to query <key> on class <C>` (so a filter can never reveal a hidden value); each
 * subquery's class must allow `find`, and carries that class's pointer permissions. The input
 * is not changed.
 */
export function guardWhere(auth: Auth, cls: ClassDef, where: Condition, classes: ReadonlyMap<string, ClassDef>): Condition {
  // A dashboard admin is checked as a user is: its scope's hidden fields and classes (policy.ts).
  if ((auth.isMaster && !auth.admin) || where.kind === 'const') return where;
  return guard(auth, cls, where, classes);
}

/** Protected fields cannot order a query either (119 `This user is not allowed to sort by <key> on class <C>`). */
export function guardOrder(auth: Auth, cls: ClassDef, order: readonly OrderKey[] | undefined): void {
  if ((auth.isMaster && !auth.admin) || !order?.length) return;
  const hidden = fieldMask(auth, cls)?.queryHidden;
  if (!hidden) return;
  for (const k of order) if (hidden.has(k.field.name)) throw errors.forbidden(`This user is not allowed to sort by ${k.field.name} on class ${cls.className}`);
}
