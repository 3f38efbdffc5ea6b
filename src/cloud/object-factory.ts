import type { ParseObject, WriteInput } from '../core/index.ts';
import type { CloudObject } from './types.ts';

/**
 * How the cloud layer turns core objects into the CloudObjects handlers see, and back: one
 * seam over the object model (cloud/object/), so that triggers, functions and the data API
 * convert values the same way.
 */
export interface ObjectFactory {
  /** A stored object (as core reads it), nothing dirty. */
  fromStored(className: string, object: ParseObject): CloudObject;
  /** An object about to be created from a write's input: every given key dirty. */
  forCreate(className: string, input: WriteInput): CloudObject;
  /** An object about to be updated: the stored one with the write's input applied (its keys dirty). */
  forUpdate(className: string, original: ParseObject, input: WriteInput): CloudObject;
  /** The write input that values given to the data API make (SDK-typed, Parse JSON or natural values). */
  inputFor(className: string, fields: Record<string, unknown>): WriteInput;
  /** An object's unsaved changes as a write input (atomic operations and nested inputs kept). */
  changesOf(object: CloudObject): WriteInput;
  /** The object in core's form (GraphQL resolvers, core writes). */
  toStored(object: CloudObject): ParseObject;
  /** After a save: the object takes its id and timestamps, and is no longer dirty. */
  markSaved(object: CloudObject, saved: ParseObject): void;
  /** An object from its Parse JSON (`{objectId, …fields}`, values Parse-encoded). */
  fromJson(className: string, json: Record<string, unknown>): CloudObject;
  isObject(value: unknown): value is CloudObject;
}

import { CLASS } from '../core/index.ts';
import { errors } from '../errors/index.ts';
import { decodeJson, fromStored, isCloudObject, markSaved, newObject, toStored, toWriteInput, withChanges, type CloudEnv } from './object/index.ts';
import type { CloudObjectImpl } from './object/index.ts';
import { isPlainObject, setOwn } from './object/records.ts';

/** The object model of cloud/object/ behind the ObjectFactory seam, for one server (its catalog and file URLs). */
export function createObjectFactory(env: CloudEnv): ObjectFactory {
  const impl = (object: CloudObject): CloudObjectImpl => {
    if (!isCloudObject(object)) throw errors.invalidJson('Expected an object made by cloud code (a CloudObject)');
    return object as CloudObjectImpl;
  };
  return {
    fromStored: (className, object) => fromStored(className, object, env),
    forCreate: (className, input) => newObject(className, input, env),
    forUpdate: (className, original, input) => withChanges({ ...original, [CLASS]: className } as ParseObject, input, env),
    inputFor(className, fields) {
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw errors.invalidJson('Fields must be an object');
      const object = newObject(className, {}, env);
      // The keys are field names (a class may have a field called `constructor`): kept as
      // own keys; the values' own JSON loses its dangerous keys, as any client JSON does.
      const decoded: Record<string, unknown> = {};
      if (isPlainObject(fields)) for (const [key, value] of Object.entries(fields)) setOwn(decoded, key, decodeJson(value, env, { dropDangerousKeys: true }));
      object.set(isPlainObject(fields) ? decoded : fields);
      return toWriteInput(object);
    },
    changesOf: (object) => toWriteInput(impl(object)),
    toStored: (object) => toStored(impl(object)),
    fromJson(className, json) {
      const decoded = decodeJson({ ...json, __type: 'Object', className }, env, { dropDangerousKeys: true });
      return decoded as CloudObject;
    },
    markSaved: (object, saved) => markSaved(impl(object), saved),
    isObject: (value): value is CloudObject => isCloudObject(value),
  };
}
