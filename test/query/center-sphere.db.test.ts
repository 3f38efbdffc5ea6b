import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParseObject } from '../../src/core/index.ts';
import { compileMatcher, parseWhere } from '../../src/query/index.ts';
import { Auth } from '../../src/security/index.ts';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// A geo radius that covers the whole sphere (π radians or more, or a distance in km or miles
// longer than half the earth's circumference) matches every object that has a point and none
// without one — in a find and its count (SQL) and in the live matcher (memory) alike.

const SF = { latitude: 37.7749, longitude: -122.4194 };
const WITH_POINT = ['antipode', 'north pole', 'sf', 'south pole'];

describe('a radius covering the whole sphere', () => {
  let f: QueryFixture;
  let objects: ParseObject[];

  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Spot', { addStrings: [{ name: 'title' }], addGeoPoint: { name: 'loc' } });
    await f.add('Spot', { title: 'sf', loc: SF });
    await f.add('Spot', { title: 'antipode', loc: { latitude: -SF.latitude, longitude: SF.longitude + 180 } });
    await f.add('Spot', { title: 'north pole', loc: { latitude: 90, longitude: 0 } });
    await f.add('Spot', { title: 'south pole', loc: { latitude: -90, longitude: 180 } });
    await f.add('Spot', { title: 'never set' });
    const unset = await f.add('Spot', { title: 'unset', loc: { latitude: 1, longitude: 2 } });
    await f.s.ok(`mutation($id: ID!) { updateSpot(input: { id: $id, fields: { loc: null } }) { spot { objectId } } }`, { id: unset });
    const found = await f.s.plinth.core.find(Auth.master(), 'Spot', {
      fields: ['title', 'loc'],
      page: { first: 100 },
      wantObjects: true,
      wantCount: false,
      wantHasNext: false,
    });
    objects = found.objects;
  });
  afterAll(() => f?.close());

  /** The titles the live matcher accepts for this where. */
  function inMemory(where: unknown): string[] {
    const classes = f.s.plinth.schemaStore.current.classes;
    const cls = classes.get('Spot')!;
    const matches = compileMatcher(parseWhere(where, cls, { classes }), cls);
    return objects
      .filter((o) => matches(o))
      .map((o) => o.title as string)
      .sort();
  }

  const cases: [string, unknown][] = [
    ['centerSphere of exactly π radians', { loc: { geoWithin: { centerSphere: { center: SF, distance: Math.PI } } } }],
    ['centerSphere of 4 radians', { loc: { geoWithin: { centerSphere: { center: SF, distance: 4 } } } }],
    ['centerSphere of 1e300 radians', { loc: { geoWithin: { centerSphere: { center: { latitude: 0, longitude: 0 }, distance: 1e300 } } } }],
    ['centerSphere from a pole', { loc: { geoWithin: { centerSphere: { center: { latitude: 90, longitude: 0 }, distance: Math.PI } } } }],
    ['nearSphere within 1e6 kilometers', { loc: { nearSphere: SF, maxDistanceInKilometers: 1e6 } }],
    ['nearSphere within 1e9 miles', { loc: { nearSphere: SF, maxDistanceInMiles: 1e9 } }],
    ['nearSphere within π radians', { loc: { nearSphere: SF, maxDistanceInRadians: Math.PI } }],
  ];
  for (const [name, where] of cases) {
    it(`${name}: every object with a point, none without`, async () => {
      expect(await f.titles('Spot', where)).toEqual(WITH_POINT);
      expect(await f.count('Spot', where)).toBe(WITH_POINT.length);
      expect(inMemory(where)).toEqual(WITH_POINT);
    });
  }

  it('its complement (NOR) is exactly the objects without a point', async () => {
    const where = { NOR: [{ loc: { geoWithin: { centerSphere: { center: SF, distance: 10 } } } }] };
    expect(await f.titles('Spot', where)).toEqual(['never set', 'unset']);
    expect(await f.count('Spot', where)).toBe(2);
    expect(inMemory(where)).toEqual(['never set', 'unset']);
  });

  it('a radius just short of π still leaves the antipode out', async () => {
    const where = { loc: { geoWithin: { centerSphere: { center: SF, distance: Math.PI - 1e-6 } } } };
    expect(await f.titles('Spot', where)).toEqual(['north pole', 'sf', 'south pole']);
    expect(inMemory(where)).toEqual(['north pole', 'sf', 'south pole']);
  });
});
