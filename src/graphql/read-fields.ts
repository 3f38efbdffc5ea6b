import { isWriteOnly, type ClassDef } from '../schema/index.ts';
import type { FieldMap } from './selection.ts';

const cache = new WeakMap<FieldMap, WeakMap<ClassDef, string[]>>();

/**
 * The class fields a selection needs read from the database: `id` needs objectId, object
 * fields map to themselves, relations need only the id (they are loaded separately).
 */
export function readFieldsFor(cls: ClassDef, selection: FieldMap): string[] {
  let byClass = cache.get(selection);
  const hit = byClass?.get(cls);
  if (hit) return hit;
  const out = new Set<string>(['objectId']);
  for (const name of selection.keys()) {
    const def = cls.fields[name];
    if (def && def.type !== 'Relation' && !isWriteOnly(cls.className, name)) out.add(name);
  }
  const fields = [...out];
  if (!byClass) cache.set(selection, (byClass = new WeakMap()));
  byClass.set(cls, fields);
  return fields;
}
