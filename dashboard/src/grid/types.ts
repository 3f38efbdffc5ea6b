/** An object as the admin API answers it: Parse's REST encoding, always with an objectId. */
export type Obj = Record<string, unknown> & { objectId: string };

export interface FieldInfo {
  name: string;
  /** Parse type: String, Number, Boolean, Date, Object, Array, Pointer, Relation, File, GeoPoint, Polygon, Bytes, ACL. */
  type: string;
  targetClass?: string | null;
  required: boolean;
  defaultValue?: unknown;
}

export interface ClassInfo {
  className: string;
  fields: FieldInfo[];
  classLevelPermissions: unknown;
  indexes: unknown;
  writable: boolean;
}

/** Fields the server manages: shown, never edited inline. */
export const SYSTEM_FIELDS = new Set(['objectId', 'createdAt', 'updatedAt']);

/** The columns of a class in a sensible default order: objectId first, then fields, then dates and ACL. */
export function classColumns(cls: ClassInfo): FieldInfo[] {
  const byName = new Map(cls.fields.map((f) => [f.name, f]));
  const sys = (name: string, type: string): FieldInfo => byName.get(name) ?? { name, type, required: false };
  const rest = cls.fields.filter((f) => !['objectId', 'createdAt', 'updatedAt', 'ACL'].includes(f.name));
  return [sys('objectId', 'String'), ...rest, sys('createdAt', 'Date'), sys('updatedAt', 'Date'), sys('ACL', 'ACL')];
}
