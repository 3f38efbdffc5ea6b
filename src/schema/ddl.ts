import { createHash } from 'node:crypto';
import type { Sql } from '../db/index.ts';
import { ident } from '../db/index.ts';
import { MAX_IDENTIFIER_BYTES, joinTableName } from './names.ts';
import type { FieldDef, FieldType, IndexDefs } from './types.ts';
import { VIRTUAL_FIELDS } from './defaults.ts';

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
  return field.type !== 'Relation' && field.type !== 'ACL' && !VIRTUAL_FIELDS[className]?.has(name);
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
    if (name in { objectId: 1, createdAt: 1, updatedAt: 1, ACL: 1 }) continue;
    if (hasColumn(className, name, field)) columns.push(`${ident(name)} ${columnType(field)}`);
  }
  const table = ident(className);
  await sql.execute(`CREATE TABLE ${table} (${columns.join(', ')}, PRIMARY KEY ("objectId"))`);
  await sql.execute(`CREATE INDEX ${ident(systemIndexName(className, 'rperm'))} ON ${table} USING GIN ("_rperm")`);
  for (const [name, field] of Object.entries(fields)) {
    if (field.type === 'Relation') await createJoinTable(sql, className, name);
  }
}

/** Adds one field: a column (`ALTER TABLE … ADD COLUMN`, no table rewrite) or a join table. */
export async function addField(sql: Sql, className: string, name: string, field: FieldDef): Promise<void> {
  if (field.type === 'Relation') return createJoinTable(sql, className, name);
  if (!hasColumn(className, name, field)) return;
  await sql.execute(`ALTER TABLE ${ident(className)} ADD COLUMN IF NOT EXISTS ${ident(name)} ${columnType(field)}`);
}

export async function dropField(sql: Sql, className: string, name: string, field: FieldDef): Promise<void> {
  if (field.type === 'Relation') {
    await sql.execute(`DROP TABLE IF EXISTS ${ident(joinTableName(className, name))}`);
    return;
  }
  if (!hasColumn(className, name, field)) return;
  await sql.execute(`ALTER TABLE ${ident(className)} DROP COLUMN IF EXISTS ${ident(name)}`);
}

async function createJoinTable(sql: Sql, className: string, field: string): Promise<void> {
  const table = joinTableName(className, field);
  await sql.execute(
    `CREATE TABLE IF NOT EXISTS ${ident(table)} ("relatedId" varchar(120) NOT NULL, "owningId" varchar(120) NOT NULL, PRIMARY KEY ("relatedId", "owningId"))`,
  );
  // Parse's primary key leads with relatedId; loading a relation goes by owningId.
  await sql.execute(`CREATE INDEX IF NOT EXISTS ${ident(systemIndexName(table, 'owning'))} ON ${ident(table)} ("owningId")`);
}

export async function dropClassTables(sql: Sql, className: string, fields: Record<string, FieldDef>): Promise<void> {
  for (const [name, field] of Object.entries(fields)) {
    if (field.type === 'Relation') await sql.execute(`DROP TABLE IF EXISTS ${ident(joinTableName(className, name))}`);
  }
  await sql.execute(`DROP TABLE IF EXISTS ${ident(className)}`);
}

/** Creates the user-defined indexes of a class (btree per key, GIN full-text for "text" keys). */
export async function createIndexes(sql: Sql, className: string, indexes: IndexDefs): Promise<void> {
  for (const [name, keys] of Object.entries(indexes)) {
    const entries = Object.entries(keys);
    const text = entries.filter(([, dir]) => dir === 'text').map(([k]) => `coalesce(${ident(k)}, '')`);
    const expr = text.length
      ? `USING GIN (to_tsvector('english', ${text.join(" || ' ' || ")}))`
      : `(${entries.map(([k, dir]) => `${ident(k)}${dir === -1 ? ' DESC' : ''}`).join(', ')})`;
    await sql.execute(`CREATE INDEX ${ident(name)} ON ${ident(className)} ${expr}`);
  }
}

export async function dropIndex(sql: Sql, name: string): Promise<void> {
  await sql.execute(`DROP INDEX IF EXISTS ${ident(name)}`);
}
