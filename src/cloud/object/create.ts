import { CLASS, INCLUDED, type ParseObject, type WriteInput } from '../../core/index.ts';
import { PUBLIC_ACL } from '../../security/index.ts';
import type { CloudObject } from '../types.ts';
import { CloudAcl } from './acl.ts';
import { inputChange } from './changes.ts';
import { CloudObjectImpl } from './cloud-object.ts';
import type { CloudEnv } from './env.ts';
import { toSdkValue } from './field-values.ts';
import { toStored } from './serialize.ts';
import { CloudRelationRef, isCloudObject, STATE } from './values.ts';

/** A pointer-only object: its class and id, no data (what a pointer field holds unless included). */
export function pointerTo(className: string, objectId: string, env: CloudEnv): CloudObjectImpl {
  return new CloudObjectImpl(className, env, objectId);
}

function storedDate(value: unknown): Date | undefined {
  const date = typeof value === 'string' || value instanceof Date ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * A saved object as the core read it, for triggers and the data API: nothing dirty. Pointer
 * targets read along (object[INCLUDED]) become full objects; other pointers are pointer-only.
 * A stored value that does not fit its field's type is kept as read rather than refused.
 */
export function fromStored(className: string, object: ParseObject, env: CloudEnv): CloudObjectImpl {
  const obj = new CloudObjectImpl(className, env, typeof object.objectId === 'string' ? object.objectId : undefined);
  const state = obj[STATE];
  const included = object[INCLUDED];
  for (const [key, value] of Object.entries(object)) {
    if (key === 'objectId' || value === undefined || value === null) continue;
    // Stored without an ACL: getACL() is undefined, as Parse answers (not the public ACL it grants).
    if (key === 'ACL' && value === PUBLIC_ACL) continue;
    if (key === 'createdAt' || key === 'updatedAt') {
      state[key === 'createdAt' ? 'created' : 'updated'] = storedDate(value);
      continue;
    }
    const field = state.field(key);
    const target = field?.type === 'Pointer' && included && Object.hasOwn(included, key) ? included[key] : null;
    if (target) {
      state.load(key, fromStored(target[CLASS] ?? field!.targetClass, target, env));
      continue;
    }
    try {
      state.load(key, key === 'ACL' && !field ? new CloudAcl(value as Record<string, never>) : toSdkValue(field, value, key, env, true));
    } catch {
      state.load(key, value);
    }
  }
  state.updated ??= state.created;
  return obj;
}

/** Applies a core write input to an object as unsaved changes (every given key becomes dirty; 111 for an operation that does not fit). */
function applyInput(obj: CloudObjectImpl, input: WriteInput): CloudObjectImpl {
  const state = obj[STATE];
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) state.change(key, inputChange(state, key, value));
  }
  return obj;
}

/**
 * An object about to be created (create's beforeSave): no id, every key of `input` dirty, get()
 * giving each value as the SDK types it. A pointer given as `{create: …}` reads as an unsaved object.
 */
export function newObject(className: string, input: WriteInput, env: CloudEnv): CloudObjectImpl {
  return applyInput(new CloudObjectImpl(className, env), input);
}

/**
 * An object about to be updated (update's beforeSave): the stored object (a CloudObject or the
 * core's ParseObject) with `input` applied as unsaved changes. get() gives the new value where
 * the input changes it, else the stored one; dirtyKeys() lists the input's keys.
 */
export function withChanges(original: CloudObject | ParseObject, input: WriteInput, env: CloudEnv): CloudObjectImpl {
  const stored = isCloudObject(original) ? toStored(original as CloudObjectImpl) : (original as ParseObject);
  const className = isCloudObject(original) ? original.className : stored[CLASS];
  return applyInput(fromStored(className, stored, env), input);
}

/**
 * After the core saved the object: its current values become the values read (those the save
 * returned take precedence: an increment's result comes from the database), it takes the id
 * and timestamps, and nothing is dirty any more.
 */
export function markSaved(obj: CloudObjectImpl, saved: ParseObject): void {
  const state = obj[STATE];
  const current = state.keys().map((key): [string, unknown] => [key, state.current(key)]);
  const fresh = fromStored(obj.className, saved, state.env)[STATE];
  state.clear();
  for (const [key, value] of current) if (!(value instanceof CloudRelationRef)) state.load(key, value);
  for (const [key, value] of fresh.server) state.load(key, value);
  if (typeof saved.objectId === 'string') obj.id = saved.objectId;
  state.created = fresh.created ?? state.created;
  state.updated = fresh.updated ?? state.updated;
}

export { toStored, toWriteInput } from './serialize.ts';
