import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, distinct } from '../../src/core/aggregate.ts';
import type { CoreRuntime } from '../../src/core/index.ts';
import { Auth } from '../../src/security/index.ts';
import { startQueryFixture, type QueryFixture } from '../query/fixture.ts';

// Every field type through the stages that accept it: each pipeline the checks let through
// must be one the database runs (a check that passes while SQL fails would surface as an
// internal error), and its values come back in Parse's JSON.

describe('aggregate over every field type', () => {
  let f: QueryFixture;
  let rt: CoreRuntime;
  const run = (pipeline: unknown[]) => aggregate(rt, Auth.master(), 'Thing', pipeline);
  const square = [
    { latitude: 0, longitude: 0 },
    { latitude: 0, longitude: 1 },
    { latitude: 1, longitude: 1 },
  ];
  // Stored closed (the first point again at the end), as Parse stores polygons.
  const coordinates = [...square, square[0]].map((p) => [p.latitude, p.longitude]);

  beforeAll(async () => {
    f = await startQueryFixture();
    rt = f.s.plinth.core.runtime;
    await f.createClass('Thing', {
      addStrings: [{ name: 'title' }],
      addNumbers: [{ name: 'n' }],
      addBooleans: [{ name: 'flag' }],
      addBytes: [{ name: 'data' }],
      addPolygons: [{ name: 'area' }],
      addArrays: [{ name: 'list' }],
      addObjects: [{ name: 'obj' }],
      addGeoPoint: { name: 'loc' },
    });
    await f.add('Thing', { title: 'p', n: 1, flag: true, data: 'AAE=', area: square, list: [1, 'a'], obj: { k: 2 }, loc: { latitude: 3, longitude: 4 } });
    await f.add('Thing', { title: 'q', n: 2, flag: false, data: 'AAE=', list: [1, 'a'], obj: { k: 1 } });
    await f.add('Thing', { title: 'r', n: 3, flag: true });
  });
  afterAll(() => f?.close());

  it('returns bytes, polygons and points in Parse’s JSON', async () => {
    expect(await run([{ $match: { title: 'p' } }, { $project: { _id: 0, data: 1, area: 1, loc: 1 } }])).toEqual([
      {
        data: { __type: 'Bytes', base64: 'AAE=' },
        area: { __type: 'Polygon', coordinates },
        loc: { __type: 'GeoPoint', latitude: 3, longitude: 4 },
      },
    ]);
  });

  it.each([
    ['a Boolean', '$flag', 2],
    ['Bytes', '$data', 2],
    ['an Array', '$list', 2],
    ['an Object', '$obj', 3],
  ])('groups by %s', async (_type, key, groups) => {
    expect(await run([{ $group: { _id: key, n: { $sum: 1 } } }])).toHaveLength(groups);
  });

  it('takes the minimum and maximum of booleans', async () => {
    expect(await run([{ $group: { _id: null, all: { $min: '$flag' }, any: { $max: '$flag' } } }])).toEqual([{ objectId: null, all: false, any: true }]);
  });

  it('groups the output of a group, and counts groups', async () => {
    expect(await run([{ $group: { _id: '$flag', n: { $sum: 1 } } }, { $group: { _id: null, groups: { $sum: 1 }, biggest: { $max: '$n' } } }])).toEqual([
      { objectId: null, groups: 2, biggest: 2 },
    ]);
    expect(await run([{ $group: { _id: '$flag' } }, { $count: 'groups' }])).toEqual([{ groups: 2 }]);
  });

  it('sorts by a value inside an Object, pages, and sorts the page again', async () => {
    const titles = (rows: Record<string, unknown>[]) => rows.map((r) => r.title);
    expect(titles(await run([{ $sort: { 'obj.k': 1 } }, { $limit: 2 }, { $sort: { n: 1 } }, { $project: { title: 1 } }]))).toEqual(['p', 'q']);
  });

  it('matches a renamed point, and leaves empty objects when every field is dropped', async () => {
    expect(await run([{ $project: { place: '$loc' } }, { $match: { place: { $exists: true } } }, { $project: { _id: 0, place: 1 } }])).toEqual([
      { place: { __type: 'GeoPoint', latitude: 3, longitude: 4 } },
    ]);
    const fields = { _id: 0, createdAt: 0, updatedAt: 0, title: 0, n: 0, flag: 0, data: 0, area: 0, list: 0, obj: 0, loc: 0 };
    expect(await run([{ $project: fields }, { $limit: 2 }])).toEqual([{}, {}]);
  });

  it('lists the distinct values of every type', async () => {
    const values = (field: string) => distinct(rt, Auth.master(), 'Thing', field);
    expect(await values('flag')).toEqual([false, true]);
    expect(await values('data')).toEqual([{ __type: 'Bytes', base64: 'AAE=' }]);
    expect(await values('area')).toEqual([{ __type: 'Polygon', coordinates }]);
    expect(await values('list')).toEqual(['a', 1]); // jsonb's order: strings before numbers
    expect(await values('obj')).toEqual([{ k: 1 }, { k: 2 }]);
    expect(await values('createdAt')).toHaveLength(3);
    expect((await values('createdAt'))[0]).toEqual({ __type: 'Date', iso: expect.stringMatching(/Z$/) });
  });
});
