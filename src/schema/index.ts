export * from './types.ts';
export { SchemaStore, type SchemaValidator, type SchemaListener } from './registry.ts';
export type { ClassChange } from './change.ts';
export { DEFAULT_FIELDS, SYSTEM_CLASS_FIELDS, VIRTUAL_FIELDS, INTERNAL_COLUMNS, systemFields, isWriteOnly } from './defaults.ts';
export { hasColumn } from './ddl.ts';
export { joinTableName, isValidClassName, isValidFieldName, SYSTEM_CLASSES, has, own, newRecord } from './names.ts';
export { toGlobalId, fromGlobalId, toObjectId } from './global-id.ts';
