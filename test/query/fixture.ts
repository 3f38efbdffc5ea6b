import pluralize from 'pluralize';
import { expect } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * A small data set for `where` tests: one class created through the schema API, objects
 * created through its create mutation, and finds through its find query — all over GraphQL.
 */
export interface QueryFixture {
  s: TestServer;
  /** objectId of each object created with `add`, by its title. */
  ids: Map<string, string>;
  /** Creates a class through `createClass` (schemaFields in GraphQL input form). */
  createClass(name: string, schemaFields: Record<string, unknown>): Promise<void>;
  /** Creates one object; returns its objectId (also remembered in `ids` under its title). */
  add(className: string, fields: Record<string, unknown>): Promise<string>;
  /** The titles of the objects matching `where`, sorted (the set, order ignored). */
  titles(className: string, where: unknown): Promise<string[]>;
  /** The titles of the objects matching `where`, in the order the server returned them. */
  ordered(className: string, where: unknown, order?: string[]): Promise<string[]>;
  /** The count of the objects matching `where`. */
  count(className: string, where: unknown): Promise<number>;
  /** The GraphQL error of a find with this `where`: its Parse code and message. */
  error(className: string, where: unknown): Promise<{ code: number | undefined; message: string }>;
  close(): Promise<void>;
}

function lowerFirst(s: string): string {
  return s[0].toLowerCase() + s.slice(1);
}

/** The find query's name: the plural of the get query's (`Item` → `items`). */
function findName(className: string): string {
  return pluralize(lowerFirst(className));
}

export async function startQueryFixture(): Promise<QueryFixture> {
  // QUERY_TEST_LOG=error shows the server's log (the detail behind a code 1) while debugging.
  const s = await startTestServer(process.env.QUERY_TEST_LOG ? { logLevel: process.env.QUERY_TEST_LOG as 'debug' } : {});
  const ids = new Map<string, string>();
  const findQuery = (className: string, selection: string) =>
    `query($where: ${className}WhereInput, $order: [${className}Order!]) { ${findName(className)}(where: $where, order: $order) { ${selection} } }`;
  const fixture: QueryFixture = {
    s,
    ids,
    async createClass(name, schemaFields) {
      await s.ok(`mutation($input: CreateClassInput!) { createClass(input: $input) { class { name } } }`, { input: { name, schemaFields } });
    },
    async add(className, fields) {
      const get = lowerFirst(className);
      const data = await s.ok(`mutation($fields: Create${className}FieldsInput) { create${className}(input: { fields: $fields }) { ${get} { objectId } } }`, {
        fields,
      });
      const objectId = data[`create${className}`][get].objectId as string;
      if (typeof fields.title === 'string') ids.set(fields.title, objectId);
      return objectId;
    },
    async titles(className, where) {
      return (await fixture.ordered(className, where)).sort();
    },
    async ordered(className, where, order) {
      const data = await s.ok(findQuery(className, 'edges { node { title } }'), { where, order });
      return data[findName(className)].edges.map((e: { node: { title: string } }) => e.node.title);
    },
    async count(className, where) {
      const data = await s.ok(findQuery(className, 'count'), { where });
      return data[findName(className)].count;
    },
    async error(className, where) {
      const res = await s.master(findQuery(className, 'count edges { node { objectId } }'), { where });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.errors, `expected an error for ${JSON.stringify(where)}`).toBeDefined();
      const [first] = res.errors!;
      return { code: first.extensions?.code, message: first.message };
    },
    close: () => s.close(),
  };
  return fixture;
}
