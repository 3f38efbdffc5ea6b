import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { loadCustomSchema, parseCustomSchema } from '../../src/graphql/custom-schema/index.ts';
import { createPlinth } from '../../src/server/app.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';

/*
 * A custom schema that cannot be merged stops the server at start-up with the file, line and
 * the clashing name; a class created later that would clash is refused by the schema API.
 */

const fixture = (name: string) => path.join(import.meta.dirname, '../fixtures/custom-schema', name);

/** Starts a server with `file` as its custom schema and returns why it did not start. */
async function startUpError(file: string): Promise<string> {
  const database = await createTestDatabase();
  try {
    const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent', graphqlSchemaFile: file });
    const plinth = await createPlinth(config, { db: database.db });
    await plinth.close();
    return 'started';
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (database.kind === 'postgres') await database.drop();
  }
}

describe('a custom schema that cannot be merged stops start-up', () => {
  it.each([
    ['clash-type.graphql', 'clash-type.graphql:5:6: type User clashes with the type of class _User; rename it'],
    ['clash-root.graphql', 'clash-root.graphql:2:3: field Query.users clashes with a root field of the generated API; rename it'],
    ['clash-field.graphql', 'clash-field.graphql:2:3: field User.username clashes with a field of the generated API; rename it'],
    ['syntax-error.graphql', 'syntax-error.graphql:3:10: Syntax Error: Expected Name, found ":".'],
  ])('%s', async (file, message) => {
    expect(await startUpError(fixture(file))).toBe(`Custom GraphQL schema ${fixture(message)}`);
  });

  it('names a file it cannot read, or that holds what a custom schema may not', () => {
    expect(() => loadCustomSchema(fixture('absent.graphql'))).toThrow(/^Custom GraphQL schema .*absent\.graphql cannot be read: ENOENT/);
    expect(() => loadCustomSchema(fixture('not-allowed.graphql'))).toThrow(
      `Custom GraphQL schema ${fixture('not-allowed.graphql')}:1:6: type Query is the API's own root type: write "extend type Query { … }" to add fields to it`,
    );
  });

  it('is read from PLINTH_GRAPHQL_SCHEMA, relative to the working directory', () => {
    const config = loadConfig({ PLINTH_GRAPHQL_SCHEMA: 'schema/custom.graphql' }, { masterKey: MASTER_KEY });
    expect(config.graphqlSchemaFile).toBe(path.resolve('schema/custom.graphql'));
    expect(loadConfig({}, { masterKey: MASTER_KEY }).graphqlSchemaFile).toBeUndefined();
  });
});

describe('only types, extensions of Query, Mutation and class types, @resolve and @mock may appear', () => {
  it.each([
    ['extend type Viewer { x: String }', '1:1: type Viewer is a built-in type of the API; only Query, Mutation and class types can be extended'],
    ['extend type Subscription { x: String }', '1:1: subscriptions cannot be added by a custom schema'],
    ['directive @auth on FIELD_DEFINITION', '1:1: directive @auth cannot be declared: a custom schema uses only @resolve and @mock'],
    ['type A { x: String @auth }', '1:20: directive @auth is not supported: a custom schema uses only @resolve and @mock'],
    ['input A { x: String @resolve }', '1:21: @resolve is allowed only on the fields of object types'],
    ['extend type Query { x: String @resolve(to: 1) }', "1:40: @resolve(to:) must be a string: the cloud function's name"],
    ['extend type Query { x: String @mock }', '1:31: @mock needs a value: @mock(with: …)'],
    ['schema { query: Q }', '1:1: a schema definition is not allowed: a custom schema defines types and extends Query, Mutation or a class type'],
    [
      'extend input PostWhereInput { x: String }',
      '1:1: "extend input" is not allowed: a custom schema defines types and extends Query, Mutation or a class type',
    ],
    ['type A { x: String }\ntype A { y: String }', '2:6: type A is defined twice (first at line 1)'],
    ['extend type Query { x: String }\nextend type Query { x: Int }', '2:21: field Query.x is added twice (first at line 1)'],
    [
      'type A { x: String }\nextend type A { y: String }',
      '2:17: type A is defined in this file (line 1) and extended as well; put its fields in its definition',
    ],
    ['type Date { x: String }', '1:6: type Date clashes with a built-in type of the API; rename it'],
  ])('%s', (sdl, message) => {
    expect(() => parseCustomSchema(sdl, 'custom.graphql')).toThrow(`Custom GraphQL schema custom.graphql:${message}`);
  });
});

describe('a class that would clash with the custom schema is refused', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ graphqlSchemaFile: fixture('clash-later.graphql') });
  });
  afterAll(() => s?.close());

  it('refuses a class whose type the custom schema defines (103)', async () => {
    const r = await s.master(`mutation { createClass(input: { name: "Article" }) { class { name } } }`);
    expect(r.errors?.[0]).toMatchObject({
      extensions: { code: 103 },
      message: `Class Article cannot be exposed in GraphQL: its type name Article is defined by the custom GraphQL schema (${fixture('clash-later.graphql')}:1:6).`,
    });
    const classes = await s.ok(`{ classes { name } }`);
    expect(classes.classes.map((c: { name: string }) => c.name)).not.toContain('Article');
  });

  it('refuses a class whose find query the custom schema adds to Query (103)', async () => {
    const r = await s.master(`mutation { createClass(input: { name: "Comment" }) { class { name } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe(103);
    expect(r.errors?.[0]?.message).toMatch(
      /^Class Comment cannot be exposed in GraphQL: its query comments is defined by the custom GraphQL schema \(.*clash-later\.graphql:6:3\)\.$/,
    );
  });

  it('refuses a field the custom schema adds to that class type (105)', async () => {
    const r = await s.master(`mutation { updateClass(input: { name: "_User", schemaFields: { addStrings: [{ name: "nickname" }] } }) { class { name } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe(105);
    expect(r.errors?.[0]?.message).toMatch(
      /^Field nickname cannot be added to class _User: User\.nickname is defined by the custom GraphQL schema \(.*clash-later\.graphql:10:3\)\.$/,
    );
  });

  it('keeps serving the custom fields after another class is created', async () => {
    await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`);
    const data = await s.ok(
      `mutation { createNote(input: { fields: { text: "hi" } }) { note { text } } signUp(input: { fields: { username: "ann", password: "a-long-password" } }) { viewer { user { username nickname } } } }`,
    );
    expect(data.createNote.note).toEqual({ text: 'hi' });
    expect(data.signUp.viewer.user).toEqual({ username: 'ann', nickname: 'nick' });
    expect(await s.ok(`{ comments }`)).toEqual({ comments: ['a'] });
  });
});
