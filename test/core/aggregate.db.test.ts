import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, distinct } from '../../src/core/aggregate.ts';
import type { CoreRuntime } from '../../src/core/index.ts';
import { parseWhere } from '../../src/query/index.ts';
import { Auth } from '../../src/security/index.ts';
import { startQueryFixture, type QueryFixture } from '../query/fixture.ts';

// Parse's aggregate pipeline and distinct, run as one statement each on the database: the
// results a cloud function or the REST API gets, in Parse's shapes.

describe('aggregate and distinct', () => {
  let f: QueryFixture;
  let rt: CoreRuntime;
  let ann: string;
  let bob: string;
  const master = Auth.master();
  const run = (pipeline: unknown[]) => aggregate(rt, master, 'Post', pipeline);
  const date = (iso: string) => ({ __type: 'Date', iso });
  const pointer = (objectId: string) => ({ __type: 'Pointer', className: 'Writer', objectId });

  beforeAll(async () => {
    f = await startQueryFixture();
    rt = f.s.plinth.core.runtime;
    await f.createClass('Writer', { addStrings: [{ name: 'name' }] });
    await f.createClass('Post', {
      addStrings: [{ name: 'title' }],
      addNumbers: [{ name: 'views' }],
      addBooleans: [{ name: 'published' }],
      addPointers: [{ name: 'author', targetClassName: 'Writer' }],
      addArrays: [{ name: 'tags' }],
      addObjects: [{ name: 'meta' }],
      addDates: [{ name: 'day' }],
      addGeoPoint: { name: 'loc' },
    });
    ann = await f.add('Writer', { name: 'ann' });
    bob = await f.add('Writer', { name: 'bob' });
    await f.add('Post', {
      title: 'a',
      views: 10,
      published: true,
      author: { link: ann },
      tags: ['x', 'y'],
      meta: { color: 'red' },
      day: '2024-01-07T00:00:00.000Z', // a Sunday
      loc: { latitude: 1, longitude: 2 },
    });
    await f.add('Post', {
      title: 'b',
      views: 20,
      published: false,
      author: { link: ann },
      tags: ['y'],
      meta: { color: 'blue' },
      day: '2024-03-15T10:20:30.456Z',
    });
    await f.add('Post', { title: 'c', views: 5, published: true, author: { link: bob }, tags: [], meta: { color: 'red' }, day: '2023-12-31T23:59:59.000Z' });
    await f.add('Post', { title: 'd' });
    // Unreadable to everyone: the master key's aggregate still counts it.
    await f.add('Post', { title: 'e', views: 1, published: true, author: { link: bob }, ACL: { public: { read: false, write: false } } });
  });
  afterAll(() => f?.close());

  it('sums, averages, minimums, maximums and counts by a pointer, grouped by its objectId', async () => {
    const rows = await run([
      {
        $group: {
          _id: '$author',
          total: { $sum: '$views' },
          mean: { $avg: '$views' },
          low: { $min: '$views' },
          high: { $max: '$views' },
          n: { $sum: 1 },
          c: { $count: {} },
        },
      },
      { $sort: { total: -1 } },
    ]);
    expect(rows).toEqual([
      { objectId: ann, total: 30, mean: 15, low: 10, high: 20, n: 2, c: 2 },
      { objectId: bob, total: 6, mean: 3, low: 1, high: 5, n: 2, c: 2 },
      // No author: one group whose key is null; no views: a sum of 0, no mean, min or max.
      { objectId: null, total: 0, mean: null, low: null, high: null, n: 1, c: 1 },
    ]);
  });

  it('groups everything with _id null; none at all when nothing matches', async () => {
    expect(await run([{ $group: { _id: null, total: { $sum: '$views' }, mean: { $avg: '$views' }, n: { $sum: 1 } } }])).toEqual([
      { objectId: null, total: 36, mean: 9, n: 5 },
    ]);
    expect(await run([{ $match: { title: 'zzz' } }, { $group: { _id: null, n: { $sum: 1 } } }])).toEqual([]);
  });

  it('$match before $group filters objects, after it filters groups (REST and GraphQL forms)', async () => {
    const byAuthor = { $group: { _id: '$author', total: { $sum: '$views' } } };
    expect(await run([{ $match: { published: true } }, byAuthor, { $sort: { _id: 1 } }])).toEqual(
      [
        { objectId: ann, total: 10 },
        { objectId: bob, total: 6 },
      ].sort((x, y) => (x.objectId < y.objectId ? -1 : 1)),
    );
    const groups = await run([byAuthor, { $match: { total: { $gt: 5 } } }, { $sort: { total: 1 } }]);
    expect(groups).toEqual([
      { objectId: bob, total: 6 },
      { objectId: ann, total: 30 },
    ]);
    expect(await run([byAuthor, { $match: { _id: bob } }])).toEqual([{ objectId: bob, total: 6 }]);
    expect(await run([{ $match: { views: { greaterThanOrEqualTo: 10 } } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
  });

  it('$sort, $skip, $limit and $project page and shape the objects', async () => {
    const titles = async (pipeline: unknown[]) => (await run([...pipeline, { $project: { _id: 0, title: 1 } }])).map((r) => r.title);
    // Objects without a value sort as finds sort them (and Parse on PostgreSQL): last ascending, first descending.
    expect(await titles([{ $sort: { views: 1 } }])).toEqual(['e', 'c', 'a', 'b', 'd']);
    expect(await titles([{ $sort: { views: -1 } }])).toEqual(['d', 'b', 'a', 'c', 'e']);
    expect(await titles([{ $sort: { views: -1 } }, { $skip: 2 }, { $limit: 2 }])).toEqual(['a', 'c']);
    expect(await titles([{ $sort: { views: -1 } }, { $limit: 4 }, { $skip: 2 }])).toEqual(['a', 'c']);
    // A $match after a $limit filters the page, in the page's order.
    expect(await titles([{ $sort: { views: 1 } }, { $limit: 3 }, { $match: { published: true } }])).toEqual(['e', 'c', 'a']);
    expect(await run([{ $match: { title: 'a' } }, { $project: { _id: 0, title: 1, hits: '$views', author: 1, day: 1 } }])).toEqual([
      { title: 'a', hits: 10, author: pointer(ann), day: date('2024-01-07T00:00:00.000Z') },
    ]);
    expect(Object.keys((await run([{ $match: { title: 'a' } }, { $project: { tags: 0, meta: 0, loc: 0 } }]))[0]).sort()).toEqual([
      'author',
      'createdAt',
      'day',
      'objectId',
      'published',
      'title',
      'updatedAt',
      'views',
    ]);
  });

  it('returns whole objects in Parse’s JSON when nothing shapes them', async () => {
    const [a] = await run([{ $match: { title: 'a' } }]);
    expect(a).toEqual({
      objectId: f.ids.get('a'),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
      title: 'a',
      views: 10,
      published: true,
      author: pointer(ann),
      tags: ['x', 'y'],
      meta: { color: 'red' },
      day: date('2024-01-07T00:00:00.000Z'),
      loc: { __type: 'GeoPoint', latitude: 1, longitude: 2 },
    });
    // Fields without a value are left out, as Parse leaves them out.
    expect(await run([{ $match: { title: 'd' } }, { $project: { _id: 0, title: 1, views: 1 } }])).toEqual([{ title: 'd' }]);
  });

  it('$count gives one object, none when nothing is left', async () => {
    expect(await run([{ $match: { views: { $gte: 5 } } }, { $count: 'n' }])).toEqual([{ n: 3 }]);
    expect(await run([{ $match: { views: { $gt: 100 } } }, { $count: 'n' }])).toEqual([]);
  });

  it('groups by dates and by date parts of the UTC date, as MongoDB computes them', async () => {
    const [row] = await run([
      { $match: { title: 'b' } },
      {
        $group: {
          _id: {
            y: { $year: '$day' },
            m: { $month: '$day' },
            d: { $dayOfMonth: '$day' },
            h: { $hour: '$day' },
            min: { $minute: '$day' },
            s: { $second: '$day' },
            ms: { $millisecond: '$day' },
            w: { $week: '$day' },
            dow: { $dayOfWeek: '$day' },
          },
        },
      },
    ]);
    expect(row).toEqual({ objectId: { y: 2024, m: 3, d: 15, h: 10, min: 20, s: 30, ms: 456, w: 10, dow: 6 } });
    const [sunday] = await run([
      { $match: { title: 'a' } },
      { $group: { _id: { dow: { $dayOfWeek: '$day' }, iso: { $isoDayOfWeek: '$day' }, w: { $week: '$day' } } } },
    ]);
    expect(sunday.objectId).toEqual({ dow: 1, iso: 7, w: 1 });
    const years = await run([{ $group: { _id: { $year: '$day' }, n: { $sum: 1 } } }, { $match: { _id: { $ne: null } } }, { $sort: { _id: 1 } }]);
    expect(years).toEqual([
      { objectId: 2023, n: 1 },
      { objectId: 2024, n: 2 },
    ]);
    expect(await run([{ $match: { title: 'a' } }, { $group: { _id: '$day', last: { $max: '$day' }, createdAt: { $max: '$createdAt' } } }])).toEqual([
      { objectId: date('2024-01-07T00:00:00.000Z'), last: date('2024-01-07T00:00:00.000Z'), createdAt: expect.stringMatching(/Z$/) },
    ]);
  });

  it('a composite key holds pointers as objectIds and dates in Parse’s JSON, and can be matched and sorted', async () => {
    const rows = await run([
      { $match: { author: { $exists: true } } },
      { $group: { _id: { writer: '$author', year: { $year: '$day' } }, n: { $sum: 1 } } },
      { $match: { '_id.year': 2024 } },
      { $sort: { '_id.writer': 1 } },
    ]);
    expect(rows).toEqual([{ objectId: { writer: ann, year: 2024 }, n: 2 }]);
    const [withDate] = await run([{ $match: { title: 'c' } }, { $group: { _id: { day: '$day', by: '$author' } } }]);
    expect(withDate).toEqual({ objectId: { day: date('2023-12-31T23:59:59.000Z'), by: bob } });
  });

  it('distinct lists the values without nulls, with and without a where', async () => {
    const post = rt.schema.current.classes.get('Post')!;
    const where = (w: unknown) => parseWhere(w, post, { classes: rt.schema.current.classes });
    expect(await distinct(rt, master, 'Post', 'title')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await distinct(rt, master, 'Post', 'views')).toEqual([1, 5, 10, 20]);
    expect(await distinct(rt, master, 'Post', 'views', where({ published: true }))).toEqual([1, 5, 10]);
    expect(await distinct(rt, master, 'Post', 'tags')).toEqual(['x', 'y']);
    expect(await distinct(rt, master, 'Post', 'meta.color')).toEqual(['blue', 'red']);
    expect(await distinct(rt, master, 'Post', 'author', where({ title: { $in: ['a', 'b', 'c'] } }))).toEqual(
      [pointer(ann), pointer(bob)].sort((x, y) => (x.objectId < y.objectId ? -1 : 1)),
    );
    expect(await distinct(rt, master, 'Post', 'day', where({ title: 'a' }))).toEqual([date('2024-01-07T00:00:00.000Z')]);
    expect(await distinct(rt, master, 'Post', 'loc')).toEqual([{ __type: 'GeoPoint', latitude: 1, longitude: 2 }]);
  });

  it('requires the master key (119), as Parse does', async () => {
    for (const auth of [Auth.anonymous(), Auth.user('someone')]) {
      await expect(aggregate(rt, auth, 'Post', [])).rejects.toMatchObject({ code: 119, message: 'unauthorized: master key is required' });
      await expect(distinct(rt, auth, 'Post', 'title')).rejects.toMatchObject({ code: 119, message: 'unauthorized: master key is required' });
    }
  });

  it('refuses bad input with Parse errors before any SQL runs', async () => {
    const statements: string[] = [];
    const stop = rt.db.onQuery((text) => statements.push(text));
    try {
      await expect(run([{ $group: { _id: null, s: { $sum: '$title' } } }])).rejects.toMatchObject({ code: 102 });
      await expect(run([{ $unwind: '$tags' }])).rejects.toMatchObject({ code: 102 });
      await expect(run([{ $match: { views: 'x' } }])).rejects.toMatchObject({ code: 111 });
      await expect(run([{ $group: { _id: null, 'a"; DROP TABLE "Post': { $sum: 1 } } }])).rejects.toMatchObject({ code: 105 });
      await expect(distinct(rt, master, 'Post', 'ACL')).rejects.toMatchObject({ code: 102 });
      await expect(aggregate(rt, master, 'Nope', [])).rejects.toMatchObject({ code: 103 });
      await expect(distinct(rt, master, 'Nope', 'title')).rejects.toMatchObject({ code: 103 });
    } finally {
      stop();
    }
    expect(statements).toEqual([]);
  });
});
