import type { ParseObject, WriteInput } from '../../core/index.ts';
import { errors } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { applyRestOp, decodeJson, fromStored, newObject, pointerTo, toWriteInput, type CloudEnv } from '../../cloud/object/index.ts';
import { fieldsJson } from '../../cloud/object/json.ts';
import { isPlainObject } from '../../cloud/object/records.ts';

/*
 * Objects in Parse's REST JSON, both ways, through cloud code's codec (the same encoding
 * webhooks and the data API use): Dates {__type: 'Date', iso}, pointers, files with the
 * server's download URL, GeoPoints, ACLs as Parse's ACL JSON.
 */

/** Keys of a REST object that are not fields a write may set. */
const NOT_WRITTEN = new Set(['objectId', 'createdAt', 'updatedAt', 'className', '__type']);

/**
 * An object as the grid shows it: its REST JSON, plus each Relation field (which holds no
 * value) as `{__type: 'Relation', className}` — only those in `keys`, when given.
 */
export function restObject(cls: ClassDef, object: ParseObject, env: CloudEnv, keys?: ReadonlySet<string>): Record<string, unknown> {
  const json = fieldsJson(fromStored(cls.className, object, env));
  for (const [name, def] of Object.entries(cls.fields)) {
    if (def.type === 'Relation' && (!keys || keys.has(name))) json[name] = { __type: 'Relation', className: def.targetClass };
  }
  return json;
}

function pointerIds(value: unknown, field: string): string[] {
  const list = isPlainObject(value) ? value.objects : undefined;
  if (!Array.isArray(list)) throw errors.invalidJson(`${field}: a relation operation lists its objects`);
  return list.map((p) => {
    if (isPlainObject(p) && typeof p.objectId === 'string') return p.objectId;
    if (typeof p === 'string') return p;
    throw errors.invalidPointer(`${field}: expected pointers`);
  });
}

/**
 * REST-encoded fields (a row the grid edits, an imported object) as core's write input: values
 * decoded as cloud code decodes client JSON, `{__op}` operations applied (Delete, Increment,
 * Add, AddUnique, Remove, AddRelation, RemoveRelation). `objectId`, `createdAt`, `updatedAt`
 * and `className` are ignored; unknown fields reach core, which refuses them (105).
 */
export function writeInputOf(cls: ClassDef, fields: unknown, env: CloudEnv, objectId?: string): WriteInput {
  if (!isPlainObject(fields)) throw errors.invalidJson('fields must be a JSON object');
  const object = objectId ? pointerTo(cls.className, objectId, env) : newObject(cls.className, {}, env);
  const relations: WriteInput = {};
  for (const [key, value] of Object.entries(fields)) {
    if (NOT_WRITTEN.has(key) || key === '__proto__' || value === undefined) continue;
    if (key === 'ACL') {
      object.setACL(value === null ? null : (value as Record<string, { read?: boolean; write?: boolean }>));
      continue;
    }
    const op = isPlainObject(value) && typeof value.__op === 'string' ? value.__op : undefined;
    if (op === undefined) {
      // A Relation field's own JSON (as `objects` gives it back) carries nothing to write.
      if (isPlainObject(value) && value.__type === 'Relation') continue;
      if (value === null) object.unset(key);
      else object.set(key, decodeJson(value, env, { dropDangerousKeys: true }));
      continue;
    }
    if (op === 'AddRelation') relations[key] = { add: pointerIds(value, key) };
    else if (op === 'RemoveRelation') relations[key] = { remove: pointerIds(value, key) };
    else if (!applyRestOp(object, key, value as { __op: string }, env)) throw errors.invalidJson(`${key}: unknown operation ${op}`);
  }
  return { ...toWriteInput(object), ...relations };
}
