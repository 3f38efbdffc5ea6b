/** A class as the admin API's `classes` query answers it. */
export interface FieldInfo {
  name: string;
  type: string;
  targetClass: string | null;
  required: boolean;
  defaultValue: unknown;
}
export interface ClassInfo {
  className: string;
  fields: FieldInfo[];
  classLevelPermissions: Record<string, unknown>;
  indexes: Record<string, Record<string, unknown>> | null;
  writable: boolean;
}

export const CLASSES = `{ classes { className writable classLevelPermissions indexes fields { name type targetClass required defaultValue } } }`;

export const UPDATE_CLASS = `mutation($className: String!, $fields: JSON, $classLevelPermissions: JSON, $indexes: JSON) {
  updateClass(className: $className, fields: $fields, classLevelPermissions: $classLevelPermissions, indexes: $indexes) { className }
}`;

/** Every field type a class can have, in Parse's names. */
export const FIELD_TYPES = ['String', 'Number', 'Boolean', 'Date', 'Object', 'Array', 'Pointer', 'Relation', 'File', 'GeoPoint', 'Polygon', 'Bytes'];

/** Fields every class has; they cannot be removed. */
export const BUILT_IN = new Set(['objectId', 'createdAt', 'updatedAt', 'ACL']);
