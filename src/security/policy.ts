import { ErrorCode, ParseError, errors } from '../errors/index.ts';
import { own, type ClassDef } from '../schema/index.ts';
import { and, type Condition } from '../query/index.ts';
import type { Auth } from './auth.ts';
import { classRules, type ClassRules, type Operation, type OperationRule, type UserField } from './class-rules.ts';
import { holdsUser, valueHoldsUser } from './pointer-permissions.ts';
import { buildFieldMask, type FieldMask } from './protected-fields.ts';
import { adminRead, adminWrite, adminMask, checkSchemaChange } from './admin-scope.ts';

/*
 * The single decision point for access to objects: every read and write path of core (and
 * later subscriptions and files) asks here what the caller may do with a class, and applies
 * the answer — a CLP refusal (thrown), a row condition compiled into its SQL, and a mask of
 * protected fields. The object ACL itself is the `_rperm`/`_wperm` filter (acl.ts), which the
 * SQL layer adds to every statement.
 */

export type ReadOperation = 'get' | 'find' | 'count';
export type WriteOperation = 'create' | 'update' | 'delete';

/** What a caller may read of a class, beyond what each object's ACL allows. */
export interface ReadPolicy {
  /**
   * Pointer permissions: only objects matching this condition on the class's own fields
   * (one of the CLP's user fields holds the caller). Undefined: every object the ACL allows.
   */
  readonly rows?: Condition;
  /** The fields `rows` tests (to evaluate it over values that are being written). */
  readonly rowFields?: readonly string[];
  /** `rows` in memory, for an object known from a write rather than read (field → API value). */
  readonly allows?: (object: Readonly<Record<string, unknown>>) => boolean;
  /** Protected fields: undefined when nothing is hidden from this caller. */
  readonly mask?: FieldMask;
}

/** What a caller may write of a class, beyond each object's ACL. */
export interface WritePolicy {
  /** Pointer permissions (`writeUserFields`, the operation's `pointerFields`); undefined: every object. */
  readonly rows?: Condition;
}

const OPEN: ReadPolicy & WritePolicy = Object.freeze({});

/** A dashboard admin's read: its scope, as a class refusal and a mask (admin-scope.ts); frozen policies per mask. */
const adminPolicies = new WeakMap<FieldMask, ReadPolicy>();

function adminReadPolicy(auth: Auth, cls: ClassDef): ReadPolicy {
  const mask = adminRead(auth.admin!, cls);
  if (!mask) return OPEN;
  let p = adminPolicies.get(mask);
  if (!p) adminPolicies.set(mask, (p = Object.freeze({ mask })));
  return p;
}

/**
 * Parse's CLP refusals as Parse Server 9 answers them by default (enableSanitizedErrorResponse):
 * "Permission denied", which names neither the class nor the operation to a caller probing
 * the schema.
 */
function denied(): ParseError {
  return errors.forbidden('Permission denied');
}

/** `requiresAuthentication` met an anonymous caller: 101, sanitized as Parse 9 answers it. */
function needsAuthentication(): ParseError {
  return new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'Permission denied');
}

type Grant = { rows?: readonly UserField[] } | { error: () => ParseError };

/**
 * Parse's validatePermission followed by addPointerPermissions, for one operation: granted to
 * all (`*`, the caller's id or one of its roles), to any logged-in caller
 * (`requiresAuthentication`; anonymous → 101), or only on the objects whose pointer fields
 * hold the caller; otherwise 119. Pointer fields restrict only when nothing else grants.
 */
function grant(rule: OperationRule, auth: Auth, op: Operation): Grant {
  if (rule.open || auth.accessKeys.some((k) => rule.entities.has(k))) return {};
  if (rule.requiresAuthentication) {
    if (!auth.userId) return { error: needsAuthentication };
    return op === 'create' || rule.pointerFields.length === 0 ? {} : { rows: rule.pointerFields };
  }
  if (!rule.pointerStage) return { error: () => denied() };
  return { rows: rule.pointerFields };
}

/**
 * What an owned class (`_Session`) refuses before its CLP is asked, as Parse Server refuses it:
 * a caller without a session (209), and any create (119) — a session row a client wrote would
 * be a session for whichever user it names. Undefined: the CLP decides, narrowed to the
 * caller's own objects (policyFor).
 */
function ownedRefusal(rules: ClassRules, auth: Auth, op: Operation): Grant | undefined {
  if (!rules.owner) return undefined;
  if (!auth.userId) {
    const message = op === 'create' || op === 'update' ? 'Session token required.' : 'Invalid session token';
    return { error: () => new ParseError(ErrorCode.INVALID_SESSION_TOKEN, message) };
  }
  if (op === 'create' || op === 'addField') return { error: () => denied() };
  return undefined;
}

/**
 * What Parse refuses every caller but the master key on a system class, whatever its CLP
 * (SharedRest.js enforceRoleSecurity): clients create, get and update installations, but never
 * list, count (a find, to Parse) or delete them (push/installations holds the rest of their rules).
 */
const CLIENTS_REFUSED = new Map<string, { collection: string; operations: Partial<Record<Operation, string>> }>([
  ['_Installation', { collection: 'installation', operations: { find: 'find', count: 'find', delete: 'delete' } }],
]);

/** Whether some operation of a class is the master key's whatever its CLP (so the class is never open to everyone). */
export function refusesClients(className: string): boolean {
  return CLIENTS_REFUSED.has(className);
}

function refuseClients(className: string, op: Operation): void {
  const refused = CLIENTS_REFUSED.get(className);
  const name = refused?.operations[op];
  if (name) throw errors.forbidden(`Clients aren't allowed to perform the ${name} operation on the ${refused!.collection} collection.`);
}

/** Decisions per caller and class, computed once (per request for users; for good for the anonymous caller). */
interface Decided {
  mask?: FieldMask | null;
  policies: Partial<Record<Operation, ReadPolicy | { error: () => ParseError }>>;
}

const decided = new WeakMap<Auth, WeakMap<ClassRules, Decided>>();

function decidedFor(auth: Auth, rules: ClassRules): Decided {
  let byClass = decided.get(auth);
  if (!byClass) decided.set(auth, (byClass = new WeakMap()));
  let d = byClass.get(rules);
  if (!d) byClass.set(rules, (d = { policies: {} }));
  return d;
}

function maskOf(auth: Auth, rules: ClassRules, d: Decided): FieldMask | undefined {
  if (d.mask === undefined) d.mask = buildFieldMask(rules, auth) ?? null;
  return d.mask ?? undefined;
}

function policyFor(auth: Auth, cls: ClassDef, op: Operation, withMask: boolean): ReadPolicy {
  const rules = classRules(cls);
  const d = decidedFor(auth, rules);
  let p = d.policies[op];
  if (!p) {
    const g = ownedRefusal(rules, auth, op) ?? grant(rules.operations[op], auth, op);
    if ('error' in g) p = g;
    else {
      const mask = withMask ? maskOf(auth, rules, d) : undefined;
      const fields = g.rows;
      const owner = rules.owner;
      // The CLP's pointer permissions and, for an owned class, the owner: both must hold the caller.
      const conditions = [fields && holdsUser(fields, auth.userId), owner && holdsUser([owner], auth.userId)].filter((c): c is Condition => !!c);
      const rows = conditions.length > 1 ? and(conditions) : conditions[0];
      const allows =
        rows &&
        ((o: Readonly<Record<string, unknown>>) =>
          (!fields || fields.some((f) => valueHoldsUser(f, own(o, f.name), auth.userId))) &&
          (!owner || valueHoldsUser(owner, own(o, owner.name), auth.userId)));
      const rowFields = rows && [...(fields ?? []), ...(owner ? [owner] : [])].map((f) => f.name);
      p = rows || mask ? Object.freeze({ rows, rowFields, allows, mask }) : OPEN;
    }
    d.policies[op] = p;
  }
  if ('error' in p) throw p.error();
  return p;
}

/**
 * May the caller `op` (get, find, count) objects of this class, and on which terms? Throws
 * Parse's CLP errors (119 `Permission denied`, 101 when
 * `requiresAuthentication` meets an anonymous caller). The master key may do everything; a
 * dashboard admin, within its scope (119 out of it, fields outside it masked).
 */
export function readPolicy(auth: Auth, cls: ClassDef, op: ReadOperation): ReadPolicy {
  if (auth.isMaster) return auth.admin ? adminReadPolicy(auth, cls) : OPEN;
  refuseClients(cls.className, op);
  if (classRules(cls).public) return OPEN;
  return policyFor(auth, cls, op, true);
}

/**
 * May the caller create, update or delete objects of this class? Throws as readPolicy does;
 * for update and delete the answer may be "only the objects whose user fields hold you".
 * A dashboard admin is checked against its scope (read-only, class, `write`, and the fields
 * `input` names: 119).
 */
export function writePolicy(auth: Auth, cls: ClassDef, op: WriteOperation, input?: Readonly<Record<string, unknown>>): WritePolicy {
  if (auth.isMaster) {
    if (auth.admin) adminWrite(auth.admin, cls, input);
    return OPEN;
  }
  refuseClients(cls.className, op);
  if (classRules(cls).public) return OPEN;
  const { rows } = policyFor(auth, cls, op, false);
  return rows ? { rows } : OPEN;
}

/**
 * The caller's protected-field mask over a class, without any CLP check (undefined: nothing
 * hidden). A dashboard admin's hides the fields outside its scope (all of a class out of it).
 */
export function fieldMask(auth: Auth, cls: ClassDef): FieldMask | undefined {
  if (auth.isMaster) return auth.admin && adminMask(auth.admin, cls);
  const rules = classRules(cls);
  if (rules.public) return undefined;
  return maskOf(auth, rules, decidedFor(auth, rules));
}

/**
 * May the caller add fields to a class by writing values to names it does not have (Parse's
 * schema on write, REST only)? The master key may (a dashboard admin only with schema rights);
 * others as the class's `addField` permission says (119 otherwise).
 */
export function checkAddField(auth: Auth, cls: ClassDef): void {
  if (auth.isMaster) {
    if (auth.admin) checkSchemaChange(auth);
    return;
  }
  const rules = classRules(cls);
  const g = ownedRefusal(rules, auth, 'addField') ?? grant(rules.operations.addField, auth, 'addField');
  if ('error' in g) throw g.error();
}
