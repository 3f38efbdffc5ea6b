import type { Dashboard } from './harness.ts';
import { MASTER_KEY } from './harness.ts';

// Data the browser tests look at, made through the public API (classes, users) or, for many rows
// at once, with one INSERT … SELECT generate_series into the class's table.

export type FieldSpec = Record<string, { type: string; targetClass?: string }>;

const ADD: Record<string, string> = {
  String: 'addStrings',
  Number: 'addNumbers',
  Boolean: 'addBooleans',
  Date: 'addDates',
  Object: 'addObjects',
  Array: 'addArrays',
  File: 'addFiles',
  Polygon: 'addPolygons',
  Bytes: 'addBytes',
};

/** Creates a class through the public API (master key), with fields and optional CLP. */
export async function createClass(dash: Dashboard, name: string, fields: FieldSpec, classLevelPermissions?: unknown): Promise<void> {
  const schemaFields: Record<string, unknown[] | unknown> = {};
  for (const [field, spec] of Object.entries(fields)) {
    if (spec.type === 'Pointer' || spec.type === 'Relation') {
      const key = spec.type === 'Pointer' ? 'addPointers' : 'addRelations';
      ((schemaFields[key] ??= []) as unknown[]).push({ name: field, targetClassName: spec.targetClass });
    } else if (spec.type === 'GeoPoint') schemaFields.addGeoPoint = { name: field };
    else ((schemaFields[ADD[spec.type]] ??= []) as unknown[]).push({ name: field });
  }
  await dash.master(`mutation($input: CreateClassInput!) { createClass(input: $input) { class { name } } }`, {
    input: { name, schemaFields, ...(classLevelPermissions ? { classLevelPermissions } : {}) },
  });
}

/** Creates one object through core as the master (core's write form: pointers as ids); answers its id. */
export async function createObject(dash: Dashboard, className: string, fields: Record<string, unknown>): Promise<string> {
  const { Auth } = await import('../../src/security/index.ts');
  const obj = await dash.plinth.core.create(Auth.master(), className, fields as never);
  return (obj as { objectId: string }).objectId;
}

/**
 * Inserts `count` rows at once: objectId `<prefix>` + zero-padded number, `columns` as SQL
 * expressions of `n` (1…count), createdAt spaced a second apart.
 */
export async function insertRows(dash: Dashboard, className: string, count: number, columns: Record<string, string>, prefix = 'r'): Promise<void> {
  const names = Object.keys(columns).map((c) => `"${c}"`);
  const values = Object.values(columns);
  await dash.db.execute(
    `INSERT INTO "${className}" ("objectId", "createdAt", "updatedAt"${names.map((n) => `, ${n}`).join('')})
     SELECT '${prefix}' || lpad(n::text, 7, '0'), timestamp '2026-01-01' + n * interval '1 second', timestamp '2026-01-01' + n * interval '1 second'${values.map((v) => `, ${v}`).join('')}
     FROM generate_series(1, ${count}) AS n`,
  );
}

/** Signs up a user through the public API; answers its id and session token. */
export async function signUp(
  dash: Dashboard,
  username: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; sessionToken: string }> {
  const { body } = await dash.api(
    `mutation($fields: CreateUserFieldsInput!) { signUp(input: { fields: $fields }) { viewer { sessionToken user { objectId } } } }`,
    { fields: { username, password, ...extra } },
  );
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { id: body.data.signUp.viewer.user.objectId, sessionToken: body.data.signUp.viewer.sessionToken };
}

export const masterHeaders = { 'x-parse-master-key': MASTER_KEY };

/** Row count of a class table. */
export async function countRows(dash: Dashboard, className: string, where = 'true'): Promise<number> {
  return Number((await dash.sql(`SELECT count(*)::int AS n FROM "${className}" WHERE ${where}`))[0].n);
}
