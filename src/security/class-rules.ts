import type { ClassDef, ClassLevelPermissions, FieldDef } from '../schema/index.ts';
import { DEFAULT_PROTECTED_FIELDS, OWNER_FIELDS } from '../schema/defaults.ts';

/** The operations a CLP names (Parse's `find get count create update delete addField`). */
export type Operation = 'find' | 'get' | 'count' | 'create' | 'update' | 'delete' | 'addField';

/** A read operation: its pointer permissions come from `readUserFields`. */
export const READ_OPERATIONS: ReadonlySet<Operation> = new Set(['find', 'get', 'count']);

/** One operation's entry of a CLP, read once. */
export interface OperationRule {
  /** Everyone may (the operation has no entry, or `*`): Parse's testPermissions passes for all. */
  open: boolean;
  /** User ids and `role:Name` entries granted the operation. */
  entities: ReadonlySet<string>;
  requiresAuthentication: boolean;
  /**
   * The pointer fields (Pointer<_User> or Array of them) that grant the operation on the objects
   * holding the caller: the operation's own `pointerFields`, then `readUserFields` (read
   * operations) or `writeUserFields` (the others), as Parse merges them.
   */
  pointerFields: readonly UserField[];
  /** Parse's validatePermission lets the caller through to the pointer-permission stage. */
  pointerStage: boolean;
}

/** A field that can name users: a Pointer to _User, or an Array of such pointers. */
export interface UserField {
  name: string;
  def: FieldDef;
}

/** `protectedFields` read once: the fixed groups and the per-object `userField:` groups. */
export interface ProtectedRules {
  /** `*`, `authenticated`, `role:Name`, user id → fields. */
  groups: ReadonlyMap<string, readonly string[]>;
  /** `userField:<pointer>` → fields, applying to the objects whose pointer holds the caller. */
  userFields: readonly { field: UserField; fields: ReadonlySet<string> }[];
}

/** A class's CLP in the form access decisions need, built once per class definition. */
export interface ClassRules {
  className: string;
  operations: Readonly<Record<Operation, OperationRule>>;
  /** Undefined when no group names any field (the default `{"*": []}`). */
  protectedFields?: ProtectedRules;
  /**
   * The pointer to the user who owns each object (`_Session.user`, schema/defaults.ts
   * OWNER_FIELDS): callers other than the master key reach only their own objects.
   */
  owner?: UserField;
  /** Every data operation is open and nothing is protected: access is the object ACL alone. */
  public: boolean;
}

const OPERATIONS: readonly Operation[] = ['find', 'get', 'count', 'create', 'update', 'delete', 'addField'];

const cache = new WeakMap<ClassDef, ClassRules>();

/** The rules of a class, read from its CLP once per (immutable) class definition. */
export function classRules(cls: ClassDef): ClassRules {
  let rules = cache.get(cls);
  if (!rules) cache.set(cls, (rules = buildRules(cls)));
  return rules;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The named fields that exist and can hold users; others (a field removed since) grant nothing. */
function userFields(cls: ClassDef, names: unknown): UserField[] {
  if (!Array.isArray(names)) return [];
  const out: UserField[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !Object.hasOwn(cls.fields, name)) continue;
    const def = cls.fields[name];
    if ((def.type === 'Pointer' && def.targetClass === '_User') || def.type === 'Array') out.push({ name, def });
  }
  return out;
}

function operationRule(cls: ClassDef, clp: ClassLevelPermissions, op: Operation): OperationRule {
  const perms = clp[op];
  // Parse: no entry for the operation (or no CLP at all) means no restriction.
  if (!isRecord(perms)) return { open: true, entities: new Set(), requiresAuthentication: false, pointerFields: [], pointerStage: false };
  const entities = new Set<string>();
  for (const [key, value] of Object.entries(perms)) if (value === true && key !== 'requiresAuthentication') entities.add(key);
  const own = userFields(cls, perms.pointerFields);
  const listed = userFields(cls, READ_OPERATIONS.has(op) ? clp.readUserFields : clp.writeUserFields);
  const pointerFields = [...own, ...listed.filter((f) => !own.some((o) => o.name === f.name))];
  // validatePermission: create is never granted by pointer fields ("write lockdown"), addField
  // only on update (Plinth never adds fields from a data write, so never).
  const pointerStage = op !== 'create' && op !== 'addField' && pointerFields.length > 0;
  return { open: entities.has('*'), entities, requiresAuthentication: perms.requiresAuthentication === true, pointerFields, pointerStage };
}

/**
 * `protectedFields` merged with the server's defaults (`_User.email` for everyone, as Parse
 * Server's `protectedFields` option merges into every class's CLP).
 */
function protectedRules(cls: ClassDef, clp: ClassLevelPermissions): ProtectedRules | undefined {
  const merged = new Map<string, Set<string>>();
  const add = (source: unknown) => {
    if (!isRecord(source)) return;
    for (const [key, list] of Object.entries(source)) {
      if (!Array.isArray(list)) continue;
      const set = merged.get(key) ?? new Set<string>();
      for (const f of list) if (typeof f === 'string') set.add(f);
      merged.set(key, set);
    }
  };
  add(clp.protectedFields);
  add(Object.hasOwn(DEFAULT_PROTECTED_FIELDS, cls.className) ? DEFAULT_PROTECTED_FIELDS[cls.className] : undefined);
  const groups = new Map<string, readonly string[]>();
  const byUserField: ProtectedRules['userFields'][number][] = [];
  for (const [key, set] of merged) {
    if (key.startsWith('userField:')) {
      const [field] = userFields(cls, [key.slice('userField:'.length)]);
      if (field) byUserField.push({ field, fields: set });
    } else groups.set(key, [...set]);
  }
  // Only fixed groups can hide anything (a userField group only narrows them, see protected-fields.ts).
  if (![...groups.values()].some((list) => list.length > 0)) return undefined;
  return { groups, userFields: byUserField };
}

function buildRules(cls: ClassDef): ClassRules {
  const clp = cls.classLevelPermissions ?? {};
  const operations = {} as Record<Operation, OperationRule>;
  for (const op of OPERATIONS) operations[op] = operationRule(cls, clp, op);
  const protectedFields = protectedRules(cls, clp);
  const [owner] = Object.hasOwn(OWNER_FIELDS, cls.className) ? userFields(cls, [OWNER_FIELDS[cls.className]]) : [];
  // addField does not take part: Plinth never adds a field from a data write.
  const isPublic = OPERATIONS.every((op) => op === 'addField' || operations[op].open) && !protectedFields && !owner && cls.className !== '_User';
  return { className: cls.className, operations, protectedFields, owner, public: isPublic };
}
