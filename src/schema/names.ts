import { errors } from '../errors/index.ts';

/** Parse's rule for class and field names, which are also valid GraphQL names. */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** PostgreSQL truncates identifiers beyond 63 bytes; two long names could silently collide. */
export const MAX_IDENTIFIER_BYTES = 63;

/** System classes that exist from the start; others beginning with `_` are refused. */
export const SYSTEM_CLASSES = new Set(['_User', '_Role']);

/** Field names that GraphQL types already use (`id` is the Relay global id). */
const RESERVED_FIELDS = new Set(['id', 'objectId', 'createdAt', 'updatedAt', 'ACL', '_rperm', '_wperm']);

export function isValidClassName(name: string): boolean {
  return (NAME.test(name) || SYSTEM_CLASSES.has(name)) && Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES;
}

export function assertValidClassName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !isValidClassName(name)) throw errors.invalidClassName(String(name));
}

/** A field name is valid when it can be a column and a GraphQL field without renaming. */
export function isValidFieldName(name: string): boolean {
  return NAME.test(name) && Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES && !name.startsWith('__');
}

export function assertNewFieldName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !isValidFieldName(name)) throw errors.invalidFieldName(String(name));
  if (RESERVED_FIELDS.has(name)) throw errors.duplicateField(name);
}

/** Parse's name for the join table of a relation field. */
export function joinTableName(className: string, field: string): string {
  return `_Join:${field}:${className}`;
}

export function assertJoinTableName(className: string, field: string): void {
  if (Buffer.byteLength(joinTableName(className, field)) > MAX_IDENTIFIER_BYTES) {
    throw errors.invalidFieldName(`${field} (the relation table name "_Join:${field}:${className}" exceeds 63 bytes)`);
  }
}
