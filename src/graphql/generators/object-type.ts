import type { GraphQLResolveInfo } from 'graphql';
import { own, type ClassDef, type FieldDef } from '../../schema/index.ts';
import { INCLUDED, type ParseObject } from '../../core/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { Ref } from '../builder.ts';
import { out } from '../type-spec.ts';
import { connectionTypeName, typeName } from '../inflection.ts';
import { selectedFields } from '../selection.ts';
import { readFieldsFor } from '../read-fields.ts';
import { ownFields, targetExposed, type GenContext } from './context.ts';
import { findArgs, findRequest, type FindArgs } from './find-args.ts';
import { sessionTokenField } from '../users/session-token.ts';

export function declareObjectType(ctx: GenContext, cls: ClassDef): void {
  ctx.refs.set(typeName(cls.className), (ctx.builder as Ref).objectRef(typeName(cls.className)));
}

/** `Post implements ParseObject & Node` with one field per class field. */
export function implementObjectType(ctx: GenContext, cls: ClassDef): void {
  const className = cls.className;
  ctx.refs.get(typeName(className)).implement({
    interfaces: [ctx.refs.get('ParseObject'), ctx.refs.get('Node')],
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {};
      if (className === '_User') fields.authDataResponse = t.field({ ...out('Object', ''), resolve: () => null });
      // The stored sessionToken is a hash and never read (a write-only field): this one shows the caller's own token.
      const computed: Record<string, Ref> = className === '_Session' ? { sessionToken: sessionTokenField(t) } : {};
      const own = ownFields(cls).map(([name, field]): [string, Ref | undefined] => [name, objectField(ctx, t, cls, name, field)]);
      for (const [name, f] of [...own, ...Object.entries(computed)].sort(([a], [b]) => a.localeCompare(b))) if (f) fields[name] = f;
      return fields;
    },
  });
}

function objectField(ctx: GenContext, t: Ref, cls: ClassDef, name: string, field: FieldDef): Ref | undefined {
  const nn = field.required ? '!' : '';
  // The object's own value only: a field the object does not carry (not written, or hidden
  // as protected) is null, never Object.prototype's member of that name (`constructor`).
  const value = (o: ParseObject) => own(o, name) ?? null;
  // A value read as it is stored needs no resolver unless the name is also inherited: then the
  // JIT reads the property inline as it builds the result, instead of calling a resolver per
  // field per object (a list's cost). Pothos leaves `resolve` unset when none is given.
  const read = inheritedName(name) ? { resolve: value } : {};
  const plain = (type: string) => t.field({ ...out(type, nn), ...read });
  switch (field.type) {
    case 'String':
      return plain('String');
    case 'Number':
      return plain('Float');
    case 'Boolean':
      return plain('Boolean');
    case 'Date':
      return plain('Date');
    case 'Object':
      return plain('Object');
    case 'Bytes':
      return plain('Bytes');
    case 'GeoPoint':
      return t.field({ ...out(ctx.refs.get('GeoPoint'), nn), ...read });
    case 'Polygon':
      return t.field({ ...out(ctx.refs.get('GeoPoint'), field.required ? '[!]!' : '[!]'), ...read });
    case 'File':
      return t.field({
        ...out(ctx.refs.get('FileInfo'), nn),
        resolve: (o: ParseObject, _a: unknown, c: GraphQLContext) => {
          const file = value(o);
          if (typeof file !== 'string') return null;
          // The caller is reading this object: in objects mode, that is what earns a signed URL.
          return { name: file, url: c.fileAccess ? c.fileAccess.url(file) : `${c.fileBaseUrl}/${encodeURIComponent(file)}` };
        },
      });
    case 'Array':
      return t.field({
        ...out(ctx.refs.get('ArrayResult'), field.required ? '[]!' : '[]'),
        resolve: (o: ParseObject, _a: unknown, c: GraphQLContext, info: GraphQLResolveInfo) => arrayElements(ctx, value(o), c, info),
      });
    case 'Pointer':
      if (!targetExposed(ctx, field)) return undefined;
      return t.field({
        ...out(ctx.refs.get(typeName(field.targetClass!)), ''),
        resolve: (o: ParseObject, _a: unknown, c: GraphQLContext, info: GraphQLResolveInfo) => {
          const id = value(o);
          if (typeof id !== 'string') return null;
          // Read with the page (a find's include): already here, null if unreadable.
          const included = o[INCLUDED];
          if (included && Object.hasOwn(included, name)) return included[name];
          const target = ctx.classes.get(field.targetClass!)!;
          const fields = readFieldsFor(target, selectedFields(info, info.fieldNodes, typeName(target.className)));
          return c.loaders.object(target.className, fields).load(id);
        },
      });
    case 'Relation': {
      if (!targetExposed(ctx, field)) return undefined;
      const target = field.targetClass!;
      return t.field({
        ...out(ctx.refs.get(connectionTypeName(target)), '!'),
        args: findArgs(t, ctx, target),
        resolve: (o: ParseObject, args: FindArgs, c: GraphQLContext, info: GraphQLResolveInfo) => {
          const targetCls = ctx.classes.get(target)!;
          const req = findRequest(info, info.fieldNodes, targetCls, ctx.all, args);
          const { options: _ignored, ...keyArgs } = args as FindArgs & { options?: unknown };
          return c.loaders.related(cls.className, name, JSON.stringify(keyArgs), req).load(o.objectId);
        },
      });
    }
    default:
      return undefined;
  }
}

/** Whether reading `name` off a plain object can find Object.prototype's member (`constructor`, `toString`, `__proto__`). */
function inheritedName(name: string): boolean {
  return name in Object.prototype;
}

/**
 * Array elements: pointers to exposed classes resolve to objects (batched; null when missing or
 * unreadable), null stays null (Element.value is non-null), the rest become Element.
 */
function arrayElements(ctx: GenContext, value: unknown, c: GraphQLContext, info: GraphQLResolveInfo) {
  if (!Array.isArray(value)) return null;
  return value.map((e) => {
    if (e === null || e === undefined) return null;
    if (e && typeof e === 'object' && (e as { __type?: string }).__type === 'Pointer') {
      const { className, objectId } = e as { className?: string; objectId?: string };
      const target = className ? ctx.classes.get(className) : undefined;
      if (target && typeof objectId === 'string') {
        const fields = readFieldsFor(target, selectedFields(info, info.fieldNodes, typeName(target.className)));
        return c.loaders.object(target.className, fields).load(objectId);
      }
    }
    return { value: e };
  });
}
