import type { ClassDef } from '../../schema/index.ts';
import { resolveField } from '../parse/fields.ts';
import { invalid } from '../parse/state.ts';
import { show } from './shape.ts';
import type { DistinctField } from './types.ts';

/**
 * The field `distinct` returns the values of: a field of the class (`id` is objectId), or a
 * path inside an Object field (`meta.color`). The ACL, relations and write-only fields have no
 * values to list: error 102, as for an unknown field.
 */
export function parseDistinctField(cls: ClassDef, field: unknown): DistinctField {
  if (typeof field !== 'string' || field === '') invalid(`distinct needs the name of a field, got ${show(field)}`);
  const ref = resolveField(cls, field);
  if (ref.type === 'ACL' || ref.type === 'Relation') invalid(`distinct is not supported on ${ref.type} field ${ref.name}`);
  return { name: ref.name, type: ref.type, targetClass: ref.targetClass, path: ref.path };
}
