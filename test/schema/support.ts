import { expect } from 'vitest';
import type { Sql } from '../../src/db/index.ts';
import type { Plinth } from '../../src/server/app.ts';
import { APP_ID, MASTER_KEY, type GraphQLResponse } from '../helpers/server.ts';

/** A front-door client (yoga.fetch) for any Plinth instance, e.g. a second one on the same database. */
export function clientFor(plinth: Plinth) {
  const request = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> => {
    const res = await plinth.fetch(
      new Request('http://plinth.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
        body: JSON.stringify({ query, variables }),
      }),
    );
    const body = await res.json();
    return { status: res.status, data: body?.data ?? undefined, errors: body?.errors, body };
  };
  const master = (q: string, v?: Record<string, unknown>) => request(q, v, { 'x-parse-master-key': MASTER_KEY });
  return {
    request,
    master,
    async ok(q: string, v?: Record<string, unknown>) {
      const r = await master(q, v);
      if (r.errors?.length || r.status !== 200) throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.body)}`);
      return r.data as any;
    },
  };
}

/** Asserts one GraphQL error with this Parse code (and message, when given). */
export function expectError(r: GraphQLResponse, code: number, message?: string | RegExp): void {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.errors?.length, JSON.stringify(r.body)).toBe(1);
  const [e] = r.errors!;
  expect({ code: e.extensions?.code, message: e.message }).toMatchObject({
    code,
    ...(message === undefined ? {} : { message: typeof message === 'string' ? message : expect.stringMatching(message) }),
  });
}

/** Column name → data_type of a table, from information_schema. */
export async function columnTypes(sql: Sql, table: string): Promise<Record<string, string>> {
  const rows = await sql.query<{ column_name: string; data_type: string; udt_name: string }>(
    `SELECT column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type === 'ARRAY' ? `${r.udt_name.replace(/^_/, '')}[]` : r.data_type]));
}

export async function tableNames(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ name: string }>(`SELECT tablename AS "name" FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY 1`);
  return rows.map((r) => r.name);
}

/** Index name → definition (pg_indexes.indexdef) of a table. */
export async function indexesOf(sql: Sql, table: string): Promise<Record<string, string>> {
  const rows = await sql.query<{ name: string; def: string }>(
    `SELECT indexname AS "name", indexdef AS "def" FROM pg_catalog.pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.def]));
}

/** The raw "_SCHEMA" JSON of a class, as Parse Server would read it. */
export async function storedSchema(sql: Sql, className: string): Promise<any> {
  const rows = await sql.query<{ schema: unknown }>(`SELECT "schema" FROM "_SCHEMA" WHERE "className" = $1`, [className]);
  if (!rows.length) return undefined;
  const v = rows[0].schema;
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/** Names of the root query fields of the schema currently served. */
export async function rootQueryFields(client: ReturnType<typeof clientFor>): Promise<string[]> {
  const d = await client.ok(`{ __schema { queryType { fields { name } } } }`);
  return d.__schema.queryType.fields.map((f: { name: string }) => f.name);
}

export const FIELD_SELECTION = `name __typename required ... on SchemaPointerField { targetClassName } ... on SchemaRelationField { targetClassName }`;
