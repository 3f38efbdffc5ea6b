import { errors } from '../errors/index.ts';
import { systemFields, type ClassChange, type ClassDef, type FieldDef, type FieldType, type SchemaSnapshot, type SchemaStore } from '../schema/index.ts';
import { checkSchemaChange, type Auth } from '../security/index.ts';

/*
 * The rules of the schema API, whatever the transport (GraphQL's class/classes and
 * createClass/updateClass/deleteClass, REST's /schemas): who may read and change the catalog,
 * which field types a client may give a field, the order classes and fields are listed in,
 * and the changes themselves with their audit record. Transports translate their input into
 * a ClassChange and their output from a ClassDef; the decisions are made here, once.
 */

/** The types a schema API client may give a field, other than Pointer and Relation (which name a target class). */
export const PLAIN_FIELD_TYPES = [
  'String',
  'Number',
  'Boolean',
  'Array',
  'Object',
  'Date',
  'File',
  'GeoPoint',
  'Polygon',
  'Bytes',
] as const satisfies readonly FieldType[];

/** Every type a client may give a field: ACL is the built-in field's own and is never added. */
export const SCHEMA_FIELD_TYPES: readonly FieldType[] = [...PLAIN_FIELD_TYPES, 'Pointer', 'Relation'];

const ADDABLE: ReadonlySet<string> = new Set(SCHEMA_FIELD_TYPES);

/** Whether a client may add a field of this type through the schema API. */
export function isSchemaFieldType(type: unknown): type is FieldType {
  return typeof type === 'string' && ADDABLE.has(type);
}

/** Reading the catalog is for the master key (a dashboard admin carries it): 119 otherwise, as Parse answers. */
export function requireSchemaRead(auth: Auth): void {
  if (!auth.isMaster) throw errors.masterKeyRequired();
}

/** Changing it too, and not for a read-only or class-scoped dashboard admin (119, see checkSchemaChange). */
export function requireSchemaChange(auth: Auth): void {
  requireSchemaRead(auth);
  checkSchemaChange(auth);
}

/** `classes` order: the system classes as Parse lists them (_User, _Role, then the other system classes), then the others by name. */
export function bySystemThenName(a: ClassDef, b: ClassDef): number {
  const rank = (c: ClassDef) => (c.className === '_User' ? 0 : c.className === '_Role' ? 1 : c.className.startsWith('_') ? 2 : 3);
  return rank(a) - rank(b) || (a.className < b.className ? -1 : a.className > b.className ? 1 : 0);
}

/** Every class of the catalog, in the schema API's order. */
export function listedClasses(snapshot: SchemaSnapshot): ClassDef[] {
  return [...snapshot.classes.values()].sort(bySystemThenName);
}

/** jsonb's key order (shorter first, then byte order): how PostgreSQL keeps the stored fields. */
function byStoredOrder([a]: [string, unknown], [b]: [string, unknown]): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * A class's fields in Parse Server's order on PostgreSQL: the default fields, the built-in
 * fields of a system class, then the others as jsonb keeps keys — so that a class reads the
 * same whether it was just created or loaded from the catalog.
 */
export function orderedFields(cls: ClassDef): [string, FieldDef][] {
  const builtIn = ['objectId', 'createdAt', 'updatedAt', 'ACL', ...Object.keys(systemFields(cls.className))];
  const first = new Set(builtIn);
  return [
    ...builtIn.filter((n) => Object.hasOwn(cls.fields, n)).map((n): [string, FieldDef] => [n, cls.fields[n]]),
    ...Object.entries(cls.fields)
      .filter(([n]) => !first.has(n))
      .sort(byStoredOrder),
  ];
}

/** Told of every class created, changed or deleted through the schema API (the audit trail). */
export type SchemaChanged = (auth: Auth, className: string, before: ClassDef | undefined, after: ClassDef | undefined) => Promise<void> | void;

/** What a schema change acts on: the catalog, and who hears of the change. */
export interface SchemaApiDeps {
  schemaStore: SchemaStore;
  schemaChanged?: SchemaChanged;
}

/** Runs one change for a caller allowed to make it, then records it (the class before and after). */
async function recorded(deps: SchemaApiDeps, auth: Auth, className: string, change: () => Promise<ClassDef>): Promise<ClassDef> {
  requireSchemaChange(auth);
  const before = deps.schemaStore.getClass(className);
  const result = await change();
  await deps.schemaChanged?.(auth, className, before, deps.schemaStore.getClass(className));
  return result;
}

/**
 * Creates a class (103 when it exists or its name is not valid; field, CLP and index checks in
 * schema/change.ts). `change` reads the transport's input once the caller may make the change,
 * so that a refused caller learns nothing from the input's own errors.
 */
export function createSchemaClass(deps: SchemaApiDeps, auth: Auth, className: string, change: () => ClassChange): Promise<ClassDef> {
  return recorded(deps, auth, className, () => deps.schemaStore.createClass(className, change()));
}

/** Changes a class: fields added, then removed; CLPs and indexes as given (103 when it does not exist). `change` as for create. */
export function updateSchemaClass(deps: SchemaApiDeps, auth: Auth, className: string, change: () => ClassChange): Promise<ClassDef> {
  return recorded(deps, auth, className, () => deps.schemaStore.updateClass(className, change()));
}

/** Drops an empty class and its tables, and returns it as it was (255 while it has objects). */
export function deleteSchemaClass(deps: SchemaApiDeps, auth: Auth, className: string): Promise<ClassDef> {
  return recorded(deps, auth, className, () => deps.schemaStore.deleteClass(className));
}
