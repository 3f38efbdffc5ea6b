import type { ClassDef, FieldDef } from '../../schema/index.ts';
import type { Ref } from '../builder.ts';
import { inp } from '../type-spec.ts';
import { relationWhereInputName, whereInputName } from '../inflection.ts';
import { ownFields, targetExposed, type GenContext } from './context.ts';

const WHERE_BY_TYPE: Partial<Record<FieldDef['type'], string>> = {
  String: 'StringWhereInput',
  Number: 'NumberWhereInput',
  Boolean: 'BooleanWhereInput',
  Array: 'ArrayWhereInput',
  Object: 'ObjectWhereInput',
  Date: 'DateWhereInput',
  Bytes: 'BytesWhereInput',
  File: 'FileWhereInput',
  GeoPoint: 'GeoPointWhereInput',
  Polygon: 'PolygonWhereInput',
};

export function declareWhereInputs(ctx: GenContext, cls: ClassDef): void {
  const b = ctx.builder as Ref;
  ctx.refs.set(whereInputName(cls.className), b.inputRef(whereInputName(cls.className)));
  ctx.refs.set(relationWhereInputName(cls.className), b.inputRef(relationWhereInputName(cls.className)));
}

/** `PostWhereInput` (a constraint per field, id, OR/AND/NOR) and `PostRelationWhereInput` (have/haveNot/exists). */
export function implementWhereInputs(ctx: GenContext, cls: ClassDef): void {
  const { refs } = ctx;
  const self = refs.get(whereInputName(cls.className));
  self.implement({
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {
        ACL: t.field(inp(refs.get('ObjectWhereInput'), '')),
        createdAt: t.field(inp(refs.get('DateWhereInput'), '')),
        objectId: t.field(inp(refs.get('IdWhereInput'), '')),
        updatedAt: t.field(inp(refs.get('DateWhereInput'), '')),
      };
      for (const [name, field] of ownFields(cls)) {
        if (field.type === 'Pointer' || field.type === 'Relation') {
          if (targetExposed(ctx, field)) fields[name] = t.field(inp(refs.get(relationWhereInputName(field.targetClass!)), ''));
        } else if (WHERE_BY_TYPE[field.type]) {
          fields[name] = t.field(inp(refs.get(WHERE_BY_TYPE[field.type]!), ''));
        }
      }
      fields.id = t.field(inp(refs.get('IdWhereInput'), ''));
      fields.OR = t.field(inp(self, '[!]'));
      fields.AND = t.field(inp(self, '[!]'));
      fields.NOR = t.field(inp(self, '[!]'));
      return fields;
    },
  });
  refs.get(relationWhereInputName(cls.className)).implement({
    fields: (t: Ref) => ({
      have: t.field(inp(self, '')),
      haveNot: t.field(inp(self, '')),
      exists: t.field(inp('Boolean', '')),
    }),
  });
}
