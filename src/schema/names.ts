import { errors, ErrorCode, ParseError } from '../errors/index.ts';

/** Parse's rule for class and field names, which are also valid GraphQL names. */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** PostgreSQL truncates identifiers beyond 63 bytes; two long names could silently collide. */
export const MAX_IDENTIFIER_BYTES = 63;

/** System classes that exist from the start; others beginning with `_` are refused. */
export const SYSTEM_CLASSES = new Set(['_User', '_Role', '_Session', '_Installation', '_PushStatus', '_JobStatus', '_JobSchedule']);

/** Field names every class already has (the ParseObject fields and the ACL columns). */
const DEFAULT_FIELD_NAMES = new Set(['objectId', 'createdAt', 'updatedAt', 'ACL', '_rperm', '_wperm']);

/**
 * Field names the generated GraphQL types use for themselves: `id` (the Relay global id) and
 * the where-input combinators. A field with one of these names would be silently shadowed.
 */
const GRAPHQL_RESERVED_FIELDS = new Set(['id', 'OR', 'AND', 'NOR']);

/** Names Parse Server refuses as fields (`className` is part of every REST object's JSON). */
const PARSE_RESERVED_FIELDS = new Set(['className', 'length']);

/** `Object.hasOwn` for records keyed by user-supplied names (`toString` is a valid field name). */
export function has(record: object | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

/** The record's own value under a user-chosen key: undefined when the key is only inherited (`constructor`). */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * A record for user-chosen keys (class, field, role names), filled from `sources` in order: it
 * has no prototype, so `record.constructor` is undefined unless set and `record.__proto__ = v`
 * sets an ordinary key. Every lookup keyed by such a name reads one of these (or goes through
 * `has` / `own`).
 */
export function newRecord<T>(...sources: (Readonly<Record<string, T>> | undefined)[]): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const source of sources) if (source) for (const [key, value] of Object.entries(source)) out[key] = value;
  return out;
}

/**
 * True for names PostgreSQL resolves in pg_catalog before the public schema: a table called
 * `pg_class` would be created in public but every unqualified read would hit the system catalog.
 */
function shadowsSystemCatalog(name: string): boolean {
  return name.startsWith('pg_');
}

export function isValidClassName(name: string): boolean {
  return (NAME.test(name) || SYSTEM_CLASSES.has(name)) && Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES && !shadowsSystemCatalog(name);
}

export function assertValidClassName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !isValidClassName(name)) throw errors.invalidClassName(printable(name));
}

/** A field name is valid when it can be a column and a GraphQL field without renaming. */
export function isValidFieldName(name: string): boolean {
  return NAME.test(name) && Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES;
}

/**
 * Whether a stored field (possibly written by Parse Server) can be served: a valid name that the
 * generated types do not use for themselves. Others stay in the catalog and the table, unserved.
 */
export function isExposableFieldName(name: string): boolean {
  return isValidFieldName(name) && !GRAPHQL_RESERVED_FIELDS.has(name);
}

/** Checks the name of a field being added: 105 for a bad or reserved name, a duplicate for a built-in one. */
export function assertNewFieldName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !isValidFieldName(name)) {
    throw errors.invalidFieldName(
      `${printable(name)} (field names start with a letter, contain only letters, digits and _, and have at most ${MAX_IDENTIFIER_BYTES} bytes)`,
    );
  }
  if (DEFAULT_FIELD_NAMES.has(name)) throw errors.duplicateField(name);
  if (GRAPHQL_RESERVED_FIELDS.has(name)) throw errors.invalidFieldName(`${name} (reserved by the GraphQL API)`);
  if (PARSE_RESERVED_FIELDS.has(name)) throw errors.invalidFieldName(`${name} (reserved by Parse)`);
}

/** Index names: an SQL-safe identifier that is not PostgreSQL's own and fits without truncation. */
export function assertIndexName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES || shadowsSystemCatalog(name) || name === '_id_') {
    throw errors.invalidQuery(`Invalid index name: ${printable(name)}`);
  }
}

/** Parse's name for the join table of a relation field. */
export function joinTableName(className: string, field: string): string {
  return `_Join:${field}:${className}`;
}

export function assertJoinTableName(className: string, field: string): void {
  if (Buffer.byteLength(joinTableName(className, field)) > MAX_IDENTIFIER_BYTES) {
    throw errors.invalidFieldName(`${field} (the relation table name "_Join:${field}:${className}" exceeds ${MAX_IDENTIFIER_BYTES} bytes)`);
  }
}

/** A system class or a built-in field of one: not removable, not deletable. */
export function immutableFieldError(name: string): ParseError {
  return new ParseError(ErrorCode.CHANGED_IMMUTABLE_FIELD, `field ${name} cannot be changed`);
}

/** A name as it may appear in an error message: control characters (NUL…) escaped, length capped. */
export function printable(name: unknown): string {
  const s = typeof name === 'string' ? name : (JSON.stringify(name) ?? String(name));
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length > 200 ? clean.slice(0, 200) + '…' : clean;
}
