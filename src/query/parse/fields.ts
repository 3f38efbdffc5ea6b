import { isValidFieldName, isWriteOnly, type ClassDef, type FieldDef } from '../../schema/index.ts';
import type { FieldRef } from '../ast.ts';
import { checkKeyPath } from '../values.ts';
import { invalid } from './state.ts';

/** The class's own field of that name (never an inherited property of the fields object). */
function fieldOf(cls: ClassDef, name: string): FieldDef | undefined {
  return Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
}

/**
 * Whether a `where` key names a field the class does not have (yet), by a name a field could
 * have — `zz` or `zz.sub`, not `_hashed_password`, `bad-key` or a write-only field. Parse
 * answers a query on it as on a field every object lacks (parse/absent.ts).
 */
export function isAbsentField(cls: ClassDef, key: string): boolean {
  const base = key.split('.', 1)[0];
  return isValidFieldName(base) && !fieldOf(cls, base) && !isWriteOnly(cls.className, base) && !key.split('.').includes('');
}

/**
 * The field a `where` key names: a field of the class (`id` is objectId; write-only fields
 * such as _User's password are not queryable), or a dotted path into an Object field
 * (`meta.a.b`). Anything else is error 102.
 */
export function resolveField(cls: ClassDef, key: string): FieldRef {
  const name = key === 'id' ? 'objectId' : key;
  const direct = fieldOf(cls, name);
  if (direct && !isWriteOnly(cls.className, name)) return { name, type: direct.type, targetClass: direct.targetClass };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const base = fieldOf(cls, name.slice(0, dot));
    const path = name.slice(dot + 1).split('.');
    if (base?.type === 'Object' && !path.includes('')) return { name: name.slice(0, dot), type: 'Object', path: checkKeyPath(path, name.slice(0, dot)) };
  }
  return invalid(`Invalid key name: ${key} is not a field of class ${cls.className}`);
}
