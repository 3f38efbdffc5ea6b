import { classOf, INCLUDED, type ParseObject } from '../../core/index.ts';
import type { ClassDef, FieldDef } from '../../schema/index.ts';
import { PUBLIC_ACL } from '../../security/index.ts';

/** What encoding needs besides the object: the catalog (for included objects) and file URLs. */
export interface EncodeContext {
  classes: ReadonlyMap<string, ClassDef>;
  fileUrl(name: string): string;
}

/**
 * An object as Parse's REST API answers it: `objectId`, `createdAt` and `updatedAt` as strings,
 * every other field in Parse JSON (`{__type: 'Date', iso}`, `{__type: 'Pointer', className,
 * objectId}`, files with their URL, points, polygons, bytes, relations by class); an included
 * pointer becomes the whole object (`__type: 'Object'`). Absent and null fields are left out,
 * as Parse Server on PostgreSQL does; relation fields are always there.
 */
export function encodeObject(obj: ParseObject, ctx: EncodeContext): Record<string, unknown> {
  const cls = ctx.classes.get(classOf(obj));
  const included = obj[INCLUDED];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    // No stored ACL: Parse answers none (the SDK's getACL() is then undefined).
    if (value === undefined || value === null || value === PUBLIC_ACL) continue;
    const field = cls && Object.hasOwn(cls.fields, key) ? cls.fields[key] : undefined;
    const target = included && Object.hasOwn(included, key) ? included[key] : undefined;
    // An included pointer whose target is unreadable or gone is left out, as Parse does.
    if (target === null) continue;
    const encoded = target ? includedObject(target, ctx) : encodeValue(key, field, value, ctx);
    // Plain assignment (several times faster than defineProperty on this hot path); only
    // `__proto__` would set the prototype instead of a key.
    if (key === '__proto__') Object.defineProperty(out, key, { value: encoded, enumerable: true, writable: true, configurable: true });
    else out[key] = encoded;
  }
  // Relations have no stored value: Parse answers every relation field of the class with its
  // target class, on every object it reads (the SDK's `relation()` learns its target from it).
  if (cls)
    for (const [key, value] of relationsOf(cls))
      if (!Object.hasOwn(out, key)) {
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      }
  return out;
}

/** An included pointer's object: its fields, then `__type: 'Object'` and its class (set in place: a field so named keeps its place, as with a spread). */
function includedObject(target: ParseObject, ctx: EncodeContext): Record<string, unknown> {
  const out = encodeObject(target, ctx);
  out.__type = 'Object';
  out.className = classOf(target);
  return out;
}

/** A class's relation fields with their answer (`{__type: 'Relation', className}`), once per class definition. */
const relationAnswers = new WeakMap<ClassDef, [string, { __type: 'Relation'; className: string }][]>();

function relationsOf(cls: ClassDef): [string, { __type: 'Relation'; className: string }][] {
  let list = relationAnswers.get(cls);
  if (!list) {
    list = [];
    for (const [key, field] of Object.entries(cls.fields))
      if (field.type === 'Relation' && field.targetClass) list.push([key, Object.freeze({ __type: 'Relation' as const, className: field.targetClass })]);
    relationAnswers.set(cls, list);
  }
  return list;
}

/** One field's value in Parse JSON (see encodeObject). */
export function encodeValue(key: string, field: FieldDef | undefined, value: unknown, ctx: EncodeContext): unknown {
  if (key === 'createdAt' || key === 'updatedAt' || key === 'objectId') return value;
  switch (field?.type) {
    case 'Date':
      return { __type: 'Date', iso: value };
    case 'Pointer':
      return typeof value === 'string' ? { __type: 'Pointer', className: field.targetClass, objectId: value } : value;
    case 'File':
      return typeof value === 'string' ? { __type: 'File', name: value, url: ctx.fileUrl(value) } : value;
    case 'GeoPoint': {
      const point = value as { latitude: number; longitude: number };
      return { __type: 'GeoPoint', latitude: point.latitude, longitude: point.longitude };
    }
    case 'Polygon':
      return { __type: 'Polygon', coordinates: (value as { latitude: number; longitude: number }[]).map((p) => [p.latitude, p.longitude]) };
    case 'Bytes':
      return { __type: 'Bytes', base64: value };
    case 'Relation':
      return { __type: 'Relation', className: field.targetClass };
    default:
      return value;
  }
}
