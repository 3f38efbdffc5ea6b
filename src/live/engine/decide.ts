import { CLASS, type ParseObject } from '../../core/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { aclToColumns, canRead, readPolicy, type ReadPolicy } from '../../security/index.ts';
import type { LiveChange, LiveEvent } from '../types.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * One change as every subscriber of its class looks at it: the objects before and after,
 * with their read lists worked out once (not once per subscriber).
 */
export interface PreparedChange {
  change: LiveChange;
  cls: ClassDef;
  /** After the write (create, update); undefined for delete. */
  after?: ParseObject;
  afterRperm: readonly string[] | null;
  /** Before the write (update, delete). */
  before?: ParseObject;
  beforeRperm: readonly string[] | null;
}

function rpermOf(object: ParseObject | undefined): readonly string[] | null {
  return object?.ACL ? aclToColumns(object.ACL).rperm : null;
}

export function prepareChange(change: LiveChange, cls: ClassDef): PreparedChange {
  const after = change.kind === 'delete' ? undefined : change.object;
  const before = change.kind === 'delete' ? (change.original ?? change.object) : change.original;
  return { change, cls, after, afterRperm: rpermOf(after), before, beforeRperm: rpermOf(before) };
}

const NONE: readonly string[] = [];

/** Whether the subscriber may read the object: its ACL, and the CLP's pointer permissions. */
function readable(sub: Subscriber, policy: ReadPolicy, object: ParseObject, rperm: readonly string[] | null): boolean {
  if (!canRead(sub.auth, rperm)) return false;
  return !policy.allows || policy.allows(object);
}

/**
 * The object as this subscriber may see it: a new object with the requested fields, without
 * the protected fields its mask hides on this object. The shared object is never changed.
 */
function view(sub: Subscriber, policy: ReadPolicy, object: ParseObject): ParseObject {
  const hidden = policy.mask ? policy.mask.hiddenIn(object) : NONE;
  const out = { [CLASS]: object[CLASS], objectId: object.objectId } as ParseObject;
  const names = sub.fields.length ? sub.fields : Object.keys(object);
  for (const f of names) {
    if (f !== 'objectId' && Object.hasOwn(object, f) && !hidden.includes(f)) out[f] = object[f];
  }
  return out;
}

/**
 * The event one subscriber gets for a change, if any (API.md): matched before (the object as
 * it was matches the where and the subscriber could read it) and matches after → UPDATE;
 * only before → LEAVE; only after → CREATE for a new object, ENTER otherwise; a deleted match
 * → DELETE. Access is decided as for a find by the subscriber, with the class's current CLP:
 * a CLP that now refuses `find` throws (the caller ends the subscription with it).
 *
 * Every event's object is a view of a whole object, so that it carries the fields a reader
 * always gets (createdAt, updatedAt, ACL): a LEAVE of an object the subscriber may no longer
 * read shows it as it was before the write — the last state the subscriber could read — and
 * nothing of the new one (Parse LiveQuery sends the original then too).
 */
export function decide(sub: Subscriber, p: PreparedChange): LiveEvent | undefined {
  const policy = readPolicy(sub.auth, p.cls, 'find');
  const wasReadable = !!p.before && readable(sub, policy, p.before, p.beforeRperm);
  const isReadable = !!p.after && readable(sub, policy, p.after, p.afterRperm);
  const before = wasReadable && sub.matcher(p.before!);
  const after = isReadable && sub.matcher(p.after!);
  const kind = p.change.kind;
  if (kind === 'delete') {
    if (!before || !sub.wants('DELETE')) return undefined;
    const gone = view(sub, policy, p.before!);
    return { event: 'DELETE', object: gone, original: gone };
  }
  if (kind === 'create') {
    return after && sub.wants('CREATE') ? { event: 'CREATE', object: view(sub, policy, p.after!) } : undefined;
  }
  if (before && after) {
    return sub.wants('UPDATE') ? { event: 'UPDATE', object: view(sub, policy, p.after!), original: view(sub, policy, p.before!) } : undefined;
  }
  if (after) {
    if (!sub.wants('ENTER')) return undefined;
    const event: LiveEvent = { event: 'ENTER', object: view(sub, policy, p.after!) };
    if (wasReadable) event.original = view(sub, policy, p.before!);
    return event;
  }
  if (before) {
    if (!sub.wants('LEAVE')) return undefined;
    return { event: 'LEAVE', object: view(sub, policy, isReadable ? p.after! : p.before!), original: view(sub, policy, p.before!) };
  }
  return undefined;
}
