import { errors, type ParseError } from '../errors/index.ts';
import type { ClassDef } from '../schema/index.ts';
import type { AdminScope, Auth } from './auth.ts';
import type { FieldMask } from './protected-fields.ts';

/*
 * A dashboard admin (Auth.admin) has the master key's reach, limited by its scope. The policy
 * functions (policy.ts, guard-query.ts) ask here only when `auth.admin` is set, so the master
 * key's own path costs one property test. Refusals are 119 with a message that names the
 * dashboard user's limit, not a CLP.
 */

/** What every admin who may read a class sees of it, whatever its field list. */
const ALWAYS_VISIBLE: ReadonlySet<string> = new Set(['objectId', 'createdAt', 'updatedAt', 'ACL']);

export const adminRefusals = {
  readOnly: (): ParseError => errors.forbidden('This dashboard user is read-only.'),
  noClass: (className: string): ParseError => errors.forbidden(`This dashboard user has no access to class ${className}.`),
  noWrite: (className: string): ParseError => errors.forbidden(`This dashboard user may not write to class ${className}.`),
  noField: (className: string, field: string): ParseError => errors.forbidden(`This dashboard user has no access to field ${field} of class ${className}.`),
  schema: (): ParseError => errors.forbidden('This dashboard user is scoped to some classes and may not change the schema.'),
  aggregate: (className: string): ParseError =>
    errors.forbidden(`This dashboard user sees only some fields of class ${className} and may not aggregate over it.`),
};

type ClassRule = NonNullable<AdminScope['classes']> extends ReadonlyMap<string, infer R> ? R : never;

/** The scope's rule for a class (undefined: every class is in scope); 119 when the class is out of it. */
function ruleOf(scope: AdminScope, className: string): ClassRule | undefined {
  if (!scope.classes) return undefined;
  const rule = scope.classes.get(className);
  if (!rule) throw adminRefusals.noClass(className);
  return rule;
}

/** Masks per scope and class definition (both immutable), built once. */
const masks = new WeakMap<AdminScope, WeakMap<ClassDef, FieldMask | null>>();

function buildMask(cls: ClassDef, visible: ReadonlySet<string> | undefined): FieldMask | null {
  const hidden = Object.keys(cls.fields).filter((f) => !ALWAYS_VISIBLE.has(f) && !visible?.has(f));
  if (hidden.length === 0) return null;
  return { queryHidden: new Set(hidden), extra: [], hiddenIn: () => hidden };
}

/**
 * The fields of a class the admin may not see, as a protected-field mask (so every read path
 * that hides protected fields hides these too): those outside the class's `fields`, or every
 * field of a class out of scope. objectId, createdAt, updatedAt and ACL are always visible.
 */
export function adminMask(scope: AdminScope, cls: ClassDef): FieldMask | undefined {
  if (!scope.classes) return undefined;
  let byClass = masks.get(scope);
  if (!byClass) masks.set(scope, (byClass = new WeakMap()));
  let mask = byClass.get(cls);
  if (mask === undefined) {
    const rule = scope.classes.get(cls.className);
    mask = rule && !rule.fields ? null : buildMask(cls, rule?.fields ?? new Set());
    byClass.set(cls, mask);
  }
  return mask ?? undefined;
}

/** A read of a class by an admin: 119 when the class is out of scope; else the mask of its hidden fields. */
export function adminRead(scope: AdminScope, cls: ClassDef): FieldMask | undefined {
  ruleOf(scope, cls.className);
  return adminMask(scope, cls);
}

/**
 * A write of a class by an admin: refused (119) for a read-only admin, a class out of scope or
 * not writable, and a write naming a field outside the class's `fields`.
 */
export function adminWrite(scope: AdminScope, cls: ClassDef, input?: Readonly<Record<string, unknown>>): void {
  if (scope.readOnly) throw adminRefusals.readOnly();
  const rule = ruleOf(scope, cls.className);
  if (!rule) return;
  if (!rule.write) throw adminRefusals.noWrite(cls.className);
  if (!rule.fields || !input) return;
  for (const key of Object.keys(input)) if (!ALWAYS_VISIBLE.has(key) && !rule.fields.has(key)) throw adminRefusals.noField(cls.className, key);
}

/**
 * Aggregates and distinct read any field of a class: refused for a class out of scope, and
 * (aggregate) for a class whose fields are limited; distinct names its field, checked here.
 */
export function adminAggregate(scope: AdminScope, cls: ClassDef, field?: string): void {
  const rule = ruleOf(scope, cls.className);
  if (!rule?.fields) return;
  if (field === undefined) throw adminRefusals.aggregate(cls.className);
  const name = field.split('.')[0];
  if (!ALWAYS_VISIBLE.has(name) && !rule.fields.has(name)) throw adminRefusals.noField(cls.className, name);
}

/**
 * May this caller change the schema (create, update or delete a class, its fields, CLPs or
 * indexes)? A read-only admin never; an admin scoped to classes never either (a schema change
 * reaches past any class list: CLPs, pointers, relations). Call it wherever a schema change is
 * made with an Auth; the master key and unscoped admins pass.
 */
export function checkSchemaChange(auth: Auth): void {
  const scope = auth.admin;
  if (!scope) return;
  if (scope.readOnly) throw adminRefusals.readOnly();
  if (scope.classes) throw adminRefusals.schema();
}

/**
 * For the master-only writes outside core (files, push, jobs, cloud functions, webhooks):
 * a read-only dashboard admin is refused (119); anyone else passes to the usual checks.
 */
export function checkAdminWrites(auth: Auth): void {
  if (auth.admin?.readOnly) throw adminRefusals.readOnly();
}

/** Whether an admin may write objects of a class (for the dashboard's `writable`); true for anyone else. */
export function adminMayWrite(auth: Auth, className: string): boolean {
  const scope = auth.admin;
  if (!scope) return true;
  if (scope.readOnly) return false;
  if (!scope.classes) return true;
  return scope.classes.get(className)?.write === true;
}
