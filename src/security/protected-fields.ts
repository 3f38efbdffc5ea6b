import { own } from '../schema/index.ts';
import type { Auth } from './auth.ts';
import type { ClassRules, ProtectedRules, UserField } from './class-rules.ts';
import { valueHoldsUser } from './pointer-permissions.ts';

/** What one caller may not see of a class's objects (protected fields). */
export interface FieldMask {
  /** Hidden on every object: the caller may not filter or sort by these (Parse's rule, 119). */
  readonly queryHidden: ReadonlySet<string>;
  /** Fields to read besides the requested ones, only so that `hiddenIn` can decide per object. */
  readonly extra: readonly string[];
  /** The fields to remove from one object (read with at least `extra` and objectId). */
  hiddenIn(object: Readonly<Record<string, unknown>>): readonly string[];
}

const NONE: readonly string[] = [];

/**
 * The fields the caller's fixed groups hide — `*`, then for a logged-in caller `authenticated`,
 * each of its roles and its user id — as the intersection of the groups that apply (Parse's
 * addProtectedFields). No group applying means nothing hidden.
 */
function fixedHidden(rules: ProtectedRules, auth: Auth): readonly string[] {
  const sets: (readonly string[])[] = [];
  const add = (key: string) => {
    const list = rules.groups.get(key);
    if (list) sets.push(list);
  };
  add('*');
  if (auth.userId) {
    add('authenticated');
    for (const role of auth.roles) add('role:' + role);
    add(auth.userId);
  }
  if (sets.length === 0) return NONE;
  return sets.reduce((hidden, next) => hidden.filter((f) => next.includes(f)));
}

/**
 * The caller's mask over a class, or undefined when nothing is hidden from it. Rules, as in
 * Parse Server 9 (checked against it):
 * - the fixed groups that apply are intersected (a field stays hidden only if every applying
 *   group hides it);
 * - a `userField:<pointer>` group applies to the objects whose pointer holds the caller and
 *   narrows that set further — it never hides a field on its own (with no fixed group hiding
 *   anything, Parse hides nothing);
 * - on `_User`, a user sees all of its own object (the owner exemption), and `authData` is
 *   hidden on everyone else's (Parse deletes it for any caller but the owner and the master key).
 */
export function buildFieldMask(rules: ClassRules, auth: Auth): FieldMask | undefined {
  const isUserClass = rules.className === '_User';
  const pf = rules.protectedFields;
  const fixed = pf ? fixedHidden(pf, auth) : NONE;
  const always = isUserClass ? ['authData'] : NONE;
  if (fixed.length === 0 && always.length === 0) return undefined;
  const userId = auth.userId;
  const narrowing: readonly { field: UserField; fields: ReadonlySet<string> }[] = pf && fixed.length && userId ? pf.userFields : [];
  const everyObject = always.length ? [...new Set([...fixed, ...always])] : fixed;
  const ownerExempt = isUserClass && !!userId;
  return {
    queryHidden: new Set(everyObject),
    extra: narrowing.map((n) => n.field.name),
    hiddenIn(object) {
      if (ownerExempt && object.objectId === userId) return NONE;
      if (narrowing.length === 0) return everyObject;
      let hidden = fixed;
      for (const n of narrowing) if (valueHoldsUser(n.field, own(object, n.field.name), userId)) hidden = hidden.filter((f) => n.fields.has(f));
      return always.length ? [...hidden, ...always] : hidden;
    },
  };
}
