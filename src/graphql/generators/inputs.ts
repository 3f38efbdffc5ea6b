import type { ClassDef, FieldDef } from '../../schema/index.ts';
import type { Ref } from '../builder.ts';
import { inp, type Spec } from '../type-spec.ts';
import { createFieldsInputName, pointerInputName, relationInputName, updateFieldsInputName } from '../inflection.ts';
import { targetExposed, type GenContext } from './context.ts';

/** The input type of each scalar field type in Parse's `fields` inputs (create, update, loginWith). */
export const SCALAR_INPUT: Partial<Record<FieldDef['type'], [string, Spec]>> = {
  String: ['String', ''],
  Number: ['Float', ''],
  Boolean: ['Boolean', ''],
  Date: ['Date', ''],
  Object: ['Object', ''],
  Array: ['Any', '[]'],
  Bytes: ['Bytes', ''],
  File: ['FileInput', ''],
  GeoPoint: ['GeoPointInput', ''],
  Polygon: ['GeoPointInput', '[!]'],
};

export function declareInputs(ctx: GenContext, cls: ClassDef): void {
  const b = ctx.builder as Ref;
  for (const name of [createFieldsInputName, updateFieldsInputName, pointerInputName, relationInputName]) {
    ctx.refs.set(name(cls.className), b.inputRef(name(cls.className)));
  }
}

/** Writable fields (ACL first, then the class fields; password for _User, which is write-only). */
export function writableFields(cls: ClassDef): [string, FieldDef][] {
  return Object.entries(cls.fields)
    .filter(([name]) => !['objectId', 'createdAt', 'updatedAt', 'ACL'].includes(name))
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * `CreatePostFieldsInput` (required fields without a default non-null, as the create fails
 * without them; Parse also makes those with a default non-null), `UpdatePostFieldsInput`,
 * `PostPointerInput {link, createAndLink}` and `PostRelationInput {add, remove, createAndAdd}`.
 */
export function implementInputs(ctx: GenContext, cls: ClassDef): void {
  const { refs } = ctx;
  const fieldsInput = (creating: boolean) => (t: Ref) => {
    const fields: Record<string, Ref> = { ACL: t.field(inp(refs.get('ACLInput'), '')) };
    for (const [name, field] of writableFields(cls)) {
      if (field.type === 'Pointer' || field.type === 'Relation') {
        if (!targetExposed(ctx, field)) continue;
        const ref = refs.get((field.type === 'Pointer' ? pointerInputName : relationInputName)(field.targetClass!));
        fields[name] = t.field(inp(ref, creating && field.required && field.defaultValue === undefined ? '!' : ''));
        continue;
      }
      const scalar = SCALAR_INPUT[field.type];
      if (!scalar) continue;
      const [type, spec] = scalar;
      const required = creating && field.required && field.defaultValue === undefined;
      const finalSpec: Spec = required ? (spec === '' ? '!' : spec === '[]' ? '[]!' : '[!]!') : spec;
      fields[name] = t.field(inp(refs.get(type), finalSpec));
    }
    return fields;
  };
  refs.get(createFieldsInputName(cls.className)).implement({ fields: fieldsInput(true) });
  refs.get(updateFieldsInputName(cls.className)).implement({ fields: fieldsInput(false) });
  refs.get(pointerInputName(cls.className)).implement({
    fields: (t: Ref) => ({
      link: t.field(inp('ID', '')),
      createAndLink: t.field(inp(refs.get(createFieldsInputName(cls.className)), '')),
    }),
  });
  refs.get(relationInputName(cls.className)).implement({
    fields: (t: Ref) => ({
      add: t.field(inp('ID', '[!]')),
      remove: t.field(inp('ID', '[!]')),
      createAndAdd: t.field(inp(refs.get(createFieldsInputName(cls.className)), '[!]')),
    }),
  });
}
