import { describe, expect, it } from 'vitest';
import { execute, GraphQLList, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { buildGraphQLSchema } from '../../src/graphql/build-schema.ts';
import { fromStored } from '../../src/schema/stored.ts';
import { CLASS } from '../../src/core/index.ts';
import type { ClassDef } from '../../src/schema/index.ts';

/**
 * Fields read as stored carry no resolver, so that the JIT reads them inline while it builds a
 * result (a resolver call per field per object is most of a list's GraphQL cost); a field whose
 * name is also an Object.prototype member keeps one, so that it reads the object's own value.
 */
function schemaWith(fields: Record<string, { type: string }>) {
  const classes = new Map<string, ClassDef>();
  for (const className of ['_User', '_Role']) classes.set(className, fromStored({ className, fields: {} }));
  classes.set('Thing', fromStored({ className: 'Thing', fields }));
  return buildGraphQLSchema({ version: 'test', classes });
}

describe('fields read as stored', () => {
  const schema = schemaWith({
    title: { type: 'String' },
    views: { type: 'Number' },
    done: { type: 'Boolean' },
    when: { type: 'Date' },
    meta: { type: 'Object' },
    where: { type: 'GeoPoint' },
    constructor: { type: 'String' },
    toString: { type: 'Number' },
  });
  const thing = schema.getType('Thing') as GraphQLObjectType;

  it('have no resolver, unless their name is inherited by plain objects', () => {
    const fields = new Map(Object.entries(thing.getFields()));
    for (const name of ['title', 'views', 'done', 'when', 'meta', 'where', 'createdAt', 'updatedAt', 'ACL']) {
      expect(fields.get(name)?.resolve, name).toBeUndefined();
    }
    expect(fields.get('constructor')?.resolve).toBeTypeOf('function');
    expect(fields.get('toString')?.resolve).toBeTypeOf('function');
  });

  it('read the same through the JIT and graphql-js: values, absent as null, inherited names only when own', async () => {
    const document = parse('{ things { title views done meta constructor toString createdAt } }');
    const objects: Record<string | symbol, unknown>[] = [
      {
        [CLASS]: 'Thing',
        objectId: 'a',
        title: 't',
        views: 3,
        done: false,
        meta: { k: [1] },
        constructor: 'own',
        toString: 7,
        createdAt: '2026-01-02T03:04:05.678Z',
      },
      { [CLASS]: 'Thing', objectId: 'b', createdAt: '2026-01-02T03:04:05.678Z' },
    ];
    // The class's own type under a root of its own: the find's resolvers are not under test here.
    const rooted = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { things: { type: new GraphQLList(thing), resolve: () => objects } } }),
    });
    const expected = {
      things: [
        { title: 't', views: 3, done: false, meta: { k: [1] }, constructor: 'own', toString: 7, createdAt: '2026-01-02T03:04:05.678Z' },
        { title: null, views: null, done: null, meta: null, constructor: null, toString: null, createdAt: '2026-01-02T03:04:05.678Z' },
      ],
    };
    const compiled = compileQuery(rooted, document);
    if (!isCompiledQuery(compiled)) throw new Error('not compiled');
    const viaJit = await compiled.query({}, {}, {});
    const viaGraphql = await execute({ schema: rooted, document, contextValue: {} });
    expect(viaJit.errors).toBeUndefined();
    expect(JSON.parse(JSON.stringify(viaJit.data))).toEqual(expected);
    expect(JSON.parse(JSON.stringify(viaGraphql.data))).toEqual(expected);
  });
});
