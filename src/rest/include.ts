import { errors } from '../errors/index.ts';
import type { Auth } from '../security/index.ts';
import { encodeObject, type EncodeContext } from './codec/encode.ts';
import type { RestDeps } from './deps.ts';
import { selectFields, type IncludePath } from './find-params.ts';

/*
 * `include` on the answer of a find or get, as Parse's RestQuery does it (includePath,
 * findPointers, replacePointers): on the objects in Parse JSON, a path at a time, parents before
 * children. Every pointer at the end of a path — a pointer field, or Pointers inside an array or
 * object (`include=tags`, `include=tags.owner`) — is read, one batch per path and class (getMany:
 * the caller's `get` permission, ACL and protected fields), and replaced by its object; a pointer
 * whose target the caller may not read or that no longer exists is dropped: the key from an
 * object, the element from an array. Pointers core already joined into the page are objects
 * by then and are left as they are.
 */

type Json = Record<string, unknown>;

interface PointerJson {
  __type: 'Pointer';
  className: string;
  objectId: string;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function isPointer(value: Json): value is Json & PointerJson {
  return value.__type === 'Pointer' && typeof value.className === 'string' && typeof value.objectId === 'string';
}

function own(record: Json, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The pointers at the end of `path` (from step `at`) in a value, through arrays at any step. */
function findPointers(value: unknown, path: readonly string[], at: number, out: PointerJson[]): void {
  if (Array.isArray(value)) {
    for (const item of value) findPointers(item, path, at, out);
    return;
  }
  if (!isRecord(value)) return;
  if (at === path.length) {
    if (isPointer(value)) out.push(value);
    return;
  }
  const next = own(value, path[at]);
  if (next) findPointers(next, path, at + 1, out);
}

const keyOf = (className: string, objectId: string) => `${className}\u0000${objectId}`;

/**
 * The value with the pointers at the end of `path` replaced by their objects (`undefined`: a
 * pointer not read, dropped by its container). Objects on the way are copied, not changed: an
 * included object may sit in several places.
 */
function replacePointers(value: unknown, path: readonly string[], at: number, found: ReadonlyMap<string, Json>): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const replaced = replacePointers(item, path, at, found);
      if (replaced !== undefined) out.push(replaced);
    }
    return out;
  }
  if (!isRecord(value)) return value;
  if (at === path.length) return isPointer(value) ? found.get(keyOf(value.className, value.objectId)) : value;
  const key = path[at];
  const next = own(value, key);
  if (!next) return value;
  const replaced = replacePointers(next, path, at + 1, found);
  const copy: Json = { ...value };
  if (replaced === undefined) delete copy[key];
  else Object.defineProperty(copy, key, { value: replaced, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Reads the objects the pointers at one path name: one getMany per class, with the path's keys. */
async function readTargets(deps: RestDeps, auth: Auth, pointers: PointerJson[], include: IncludePath, ctx: EncodeContext): Promise<Map<string, Json>> {
  const ids = new Map<string, Set<string>>();
  for (const p of pointers) {
    const set = ids.get(p.className) ?? new Set();
    set.add(p.objectId);
    ids.set(p.className, set);
  }
  const found = new Map<string, Json>();
  for (const [className, set] of ids) {
    const target = deps.schemaStore.getClass(className);
    // A pointer into a class that does not exist (inside an array: typed pointers cannot hold one)
    // names nothing the master key could read; anyone else is refused as for a read of the class.
    if (!target) {
      if (auth.isMaster) continue;
      throw errors.forbidden();
    }
    const objects = await deps.core.getMany(auth, className, [...set], selectFields(target, include.keys, include.excludeKeys));
    for (const [id, object] of objects) {
      const json = encodeObject(object, ctx);
      json.__type = 'Object';
      json.className = className;
      found.set(keyOf(className, id), json);
    }
  }
  return found;
}

/**
 * Includes what `paths` (from readPlan, parents first) name into the answer's objects, in place
 * (`results[i]` may be replaced by a copy). One statement per path and target class, whatever
 * the number of objects; a path whose pointers are all absent reads nothing.
 */
export async function includeObjects(deps: RestDeps, auth: Auth, results: Json[], paths: readonly IncludePath[], ctx: EncodeContext): Promise<void> {
  for (const include of paths) {
    const pointers: PointerJson[] = [];
    findPointers(results, include.path, 0, pointers);
    if (!pointers.length) continue;
    const found = await readTargets(deps, auth, pointers, include, ctx);
    for (let i = 0; i < results.length; i++) results[i] = replacePointers(results[i], include.path, 0, found) as Json;
  }
}
