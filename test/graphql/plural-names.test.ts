import { describe, expect, it } from 'vitest';
import { exposedClasses, refuseCollisions } from '../../src/graphql/collisions.ts';
import * as inflection from '../../src/graphql/inflection.ts';
import type { ParseError } from '../../src/errors/index.ts';
import { fromStored } from '../../src/schema/stored.ts';
import type { ClassDef, SchemaSnapshot } from '../../src/schema/types.ts';

// Classes whose plural is their singular: both queries exist, under distinct names (Parse
// Server gives both one name and silently serves only the get query).

function snapshot(...names: string[]): SchemaSnapshot {
  const classes = new Map<string, ClassDef>();
  for (const name of ['_User', '_Role', '_Session', ...names]) classes.set(name, fromStored({ className: name, fields: {} }));
  return { version: '1', classes };
}

describe('names of a class whose plural is its singular', () => {
  it.each([
    ['Sheep', 'sheep', 'sheepList'],
    ['Series', 'series', 'seriesList'],
    ['AllKinds', 'allKinds', 'allKindsList'],
    ['Data', 'data', 'dataList'],
    ['Posts', 'posts', 'postsList'],
  ])('%s → get %s, find %s', (className, get, find) => {
    expect(inflection.getQueryName(className)).toBe(get);
    expect(inflection.findQueryName(className)).toBe(find);
    expect(inflection.classNames(className).queries).toEqual([get, find]);
  });

  it('leave ordinary plurals as Parse derives them', () => {
    expect(['Post', 'city', 'Person', '_Session', '_JobStatus'].map(inflection.findQueryName)).toEqual([
      'posts',
      'cities',
      'people',
      'sessions',
      'jobStatuses',
    ]);
  });

  it('are accepted at createClass, and a later class cannot take the find name', () => {
    expect(() => refuseCollisions(snapshot('Sheep'), 'Sheep', snapshot())).not.toThrow();
    expect(exposedClasses(snapshot('Sheep', 'Series', 'AllKinds')).skipped).toEqual([]);
    const clash = (() => {
      try {
        refuseCollisions(snapshot('Sheep', 'SheepList'), 'SheepList', snapshot('Sheep'));
      } catch (error) {
        return error as ParseError;
      }
    })();
    expect(clash?.code).toBe(103);
    expect(clash?.message).toBe('Class SheepList cannot be exposed in GraphQL: its query sheepList is already used by class Sheep.');
  });
});
