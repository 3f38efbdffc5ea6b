import { expect } from 'vitest';
import type { GraphQLResponse, TestServer } from '../helpers/server.ts';

/** Creates a class through the schema API (master key); `fields` is a SchemaFieldsInput literal. */
export async function createClass(s: TestServer, name: string, fields: string): Promise<void> {
  await s.ok(`mutation { createClass(input: { name: "${name}", schemaFields: { ${fields} } }) { class { name } } }`);
}

/** Rows of a table, counted directly in SQL (not through the API and its access rules). */
export async function countRows(s: TestServer, table: string): Promise<number> {
  const rows = await s.plinth.db.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "${table.replace(/"/g, '""')}"`);
  return rows[0].n;
}

/**
 * Asserts that a response failed with exactly one error carrying the Parse code (and, when
 * given, a message matching `message`), that no data leaked for the failed field, and that
 * nothing in the body looks like a stack trace.
 */
export function expectError(res: GraphQLResponse, code: number, message?: RegExp | string): { message: string } {
  expect(res.errors, JSON.stringify(res.body)).toBeDefined();
  expect(res.errors!.length, JSON.stringify(res.body)).toBe(1);
  const error = res.errors![0];
  expect(error.extensions?.code, JSON.stringify(res.body)).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
  expectNoStack(res);
  return error;
}

/** Nothing in a response looks like a stack trace or an internal file path. */
export function expectNoStack(res: GraphQLResponse): void {
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|node_modules|\/src\/|\.ts:\d+/);
}

/** Every `errors[]` entry has a numeric Parse code. */
export function expectCodes(res: GraphQLResponse): number[] {
  expect(res.errors?.length, JSON.stringify(res.body)).toBeGreaterThan(0);
  for (const e of res.errors!) expect(typeof e.extensions?.code, JSON.stringify(e)).toBe('number');
  expectNoStack(res);
  return res.errors!.map((e) => e.extensions!.code as number);
}

/** The base64 global id Parse issues: "<ClassName>:<objectId>". */
export function globalId(className: string, objectId: string): string {
  return Buffer.from(`${className}:${objectId}`).toString('base64');
}

/** An ACL selection with every part of the ACL type. */
export const ACL_FIELDS = 'ACL { public { read write } users { userId read write } roles { roleName read write } }';
