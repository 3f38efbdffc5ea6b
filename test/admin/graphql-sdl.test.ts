import { readFileSync } from 'node:fs';
import { buildSchema, printSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ADMIN_SDL } from '../../src/admin/graphql/sdl.ts';
import { resolvers } from '../../src/admin/graphql/resolvers/index.ts';

describe('the admin schema', () => {
  it('serves src/admin/schema.graphql as written (the contract): the same types, fields and descriptions', () => {
    const contract = readFileSync(new URL('../../src/admin/schema.graphql', import.meta.url), 'utf8');
    expect(printSchema(buildSchema(ADMIN_SDL))).toBe(printSchema(buildSchema(contract)));
  });

  it('has a resolver for every root field', () => {
    const schema = buildSchema(ADMIN_SDL);
    for (const [type, map] of [
      ['Query', resolvers.Query],
      ['Mutation', resolvers.Mutation],
      ['Subscription', resolvers.Subscription],
    ] as const) {
      const fields = Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).sort();
      expect(Object.keys(map).sort(), type).toEqual(fields);
    }
  });
});
