import { createHash } from 'node:crypto';
import type { Sql } from '../db/index.ts';
import { ident } from '../db/index.ts';
import { MAX_IDENTIFIER_BYTES, joinTableName } from './names.ts';
import type { FieldDef, FieldType, IndexDefs } from './types.ts';
import { isVirtualField } from './defaults.ts';

/** Column type of each field type, in Parse Server's PostgreSQL layout. */
const COLUMN_TYPES: Record<Exclude<FieldType, 'Relation' | 'ACL'>, string> = {
  String: 'text',
  Number: 'double precision',
  Boolean: 'boolean',
  Date: 'timestamp with time zone',
  Object: 'jsonb',
  Array: 'jsonb',
  Pointer: 'text',
  File: 'text',
  GeoPoint: 'point',
  Polygon: 'polygon',
  Bytes: 'jsonb',
};

/** Whether a field is stored in a column of the class table (not a join table, ACL or virtual). */
export function hasColumn(className: string, name: string, field: FieldDef): boolean {
  return field.type !== 'Relation' && field.type !== 'ACL' && !isVirtualField(className, name);
}

export function columnType(field: FieldDef): string {
  return COLUMN_TYPES[field.type as keyof typeof COLUMN_TYPES];
}

/** A name for an index we create, short enough never to be truncated by PostgreSQL. */
export function systemIndexName(table: string, suffix: string): string {
  const name = `${table}_${suffix}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  return `plinth_${createHash('sha256').update(table).digest('hex').slice(0, 24)}_${suffix}`;
}

/** Creates the table of a new class with its columns, ACL index and relation tables. */
export async function createClassTable(sql: Sql, className: string, fields: Record<string, FieldDef>): Promise<void> {
  const columns = [
    '"objectId" text NOT NULL',
    '"createdAt" timestamp with time zone',
    '"updatedAt" timestamp with time zone',
    '"_rperm" text[]',
    '"_wperm" text[]',
  ];
  for (const [name, field] of Object.entries(fields)) {
    if (name === 'objectId' || name === 'createdAt' || name === 'updatedAt' || name === 'ACL') continue;
    if (hasColumn(className, name, field)) columns.push(`${ident(name)} ${columnType(field)}`);
  }
  const table = ident(className);
  await sql.execute(`CREATE TABLE ${table} (${columns.join(', ')}, PRIMARY KEY ("objectId"))`);
  // Unnamed: PostgreSQL picks a free name, so no user index name can make this fail.
  await sql.execute(`CREATE INDEX ON ${table} USING GIN ("_rperm")`);
  for (const [name, field] of Object.entries(fields)) {
    if (field.type === 'Relation') await createJoinTable(sql, className, name);
  }
}

/** Adds one field: a column (`ALTER TABLE … ADD COLUMN` without a default: no table rewrite) or a join table. */
export async function addField(sql: Sql, className: string, name: string, field: FieldDef): Promise<void> {
  if (field.type === 'Relation') return createJoinTable(sql, className, name);
  if (!hasColumn(className, name, field)) return;
  await sql.execute(`ALTER TABLE ${ident(className)} ADD COLUMN ${ident(name)} ${columnType(field)}`);
}

export async function dropField(sql: Sql, className: string, name: string, field: FieldDef): Promise<void> {
  if (field.type === 'Relation') {
    await sql.execute(`DROP TABLE IF EXISTS ${ident(joinTableName(className, name))}`);
    return;
  }
  if (!hasColumn(className, name, field)) return;
  await sql.execute(`ALTER TABLE ${ident(className)} DROP COLUMN IF EXISTS ${ident(name)}`);
}

/** Parse's join table; a leftover one (Parse also uses IF NOT EXISTS) is reused. */
async function createJoinTable(sql: Sql, className: string, field: string): Promise<void> {
  const table = joinTableName(className, field);
  await sql.execute(
    `CREATE TABLE IF NOT EXISTS ${ident(table)} ("relatedId" varchar(120) NOT NULL, "owningId" varchar(120) NOT NULL, PRIMARY KEY ("relatedId", "owningId"))`,
  );
  // Parse's primary key leads with relatedId; loading a relation goes by owningId.
  await sql.execute(`CREATE INDEX IF NOT EXISTS ${ident(systemIndexName(table, 'owning'))} ON ${ident(table)} ("owningId")`);
}

/** Whether the table of a class exists (in the schema unqualified names resolve to). */
export async function tableExists(sql: Sql, table: string): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1`, [table]);
  return rows.length > 0;
}

/** Drops a class's table and the join tables of its relation fields. */
export async function dropClassTables(sql: Sql, className: string, relationFields: string[]): Promise<void> {
  for (const name of relationFields) await sql.execute(`DROP TABLE IF EXISTS ${ident(joinTableName(className, name))}`);
  await sql.execute(`DROP TABLE IF EXISTS ${ident(className)}`);
}

/** The SQL that indexes one user-defined index's keys (validated by planChange). */
function indexExpression(fields: Readonly<Record<string, FieldDef>>, keys: IndexDefs[string]): string {
  const entries = Object.entries(keys);
  if (entries.some(([, dir]) => dir === 'text')) {
    const doc = entries.map(([k]) => `coalesce(${ident(k)}, '')`).join(" || ' ' || ");
    return `USING GIN (to_tsvector('english'::regconfig, ${doc}))`;
  }
  const [first] = entries;
  const type = fields[first[0]]?.type;
  // point and polygon have no B-tree ordering; GiST serves the geo operators.
  if (type === 'GeoPoint' || type === 'Polygon') return `USING GIST (${ident(first[0])})`;
  return `(${entries.map(([k, dir]) => `${ident(k)}${dir === -1 ? ' DESC' : ''}`).join(', ')})`;
}

/** Creates the user-defined indexes of a class (B-tree, GIN full text, GiST for geo fields). */
export async function createIndexes(sql: Sql, className: string, fields: Readonly<Record<string, FieldDef>>, indexes: IndexDefs): Promise<void> {
  for (const [name, keys] of Object.entries(indexes)) {
    await sql.execute(`CREATE INDEX ${ident(name)} ON ${ident(className)} ${indexExpression(fields, keys)}`);
  }
}

/**
 * Drops a user-defined index of a class. Only an index on that class's table is dropped, by its
 * schema-qualified name: an index name recorded in the catalog can never reach another table's
 * index or one of PostgreSQL's own.
 */
export async function dropIndex(sql: Sql, className: string, name: string): Promise<void> {
  const rows = await sql.query<{ schema: string }>(
    `SELECT schemaname AS "schema" FROM pg_catalog.pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND indexname = $2`,
    [className, name],
  );
  if (rows.length) await sql.execute(`DROP INDEX ${ident(rows[0].schema)}.${ident(name)}`);
}
