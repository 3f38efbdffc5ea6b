import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, master, Parse, seed, startSdkServer, type SdkServer } from './harness.ts';

// Every constraint Parse.Query builds, sent by the SDK as it sends them (JSON `where` in a
// POST with `_method: GET`), against one small data set.

let s: SdkServer;
const byName = new Map<string, Parse.Object>();

beforeAll(async () => {
  s = await startSdkServer();
  const [red, blue] = await seed('Team', [
    { name: 'Red', city: 'Oslo' },
    { name: 'Blue', city: 'Rome' },
  ]);
  const [ann, bob, cat] = await seed('Person', [
    { name: 'ann', age: 30, team: red },
    { name: 'bob', age: 40, team: blue },
    { name: 'cat', age: 25, team: red },
  ]);
  const pt = (latitude: number, longitude: number) => new Parse.GeoPoint(latitude, longitude);
  const places = await seed('Place', [
    {
      name: 'Alpha Cafe',
      rank: 1,
      tags: ['food', 'coffee'],
      loc: pt(0, 0),
      owner: ann,
      desc: 'the best coffee in town',
      open: true,
      opened: new Date('2020-01-01T00:00:00Z'),
      meta: { stars: 5 },
    },
    {
      name: 'Beta Bar',
      rank: 2,
      tags: ['drink', 'food'],
      loc: pt(0, 1),
      owner: bob,
      desc: 'cocktails and beer',
      open: false,
      opened: new Date('2021-01-01T00:00:00Z'),
      meta: { stars: 3 },
    },
    { name: 'Gamma Gym', rank: 3, tags: ['sport'], loc: pt(10, 10), owner: ann, desc: 'lift weights', open: true, opened: new Date('2022-01-01T00:00:00Z') },
    { name: 'delta diner', rank: 4, tags: ['food'], loc: pt(0, 0.5), owner: cat, desc: 'coffee and pancakes', open: true },
    { name: 'Epsilon', rank: 5, loc: pt(-40, -40), open: false },
  ]);
  for (const p of places) byName.set(p.get('name'), p);
  await seed('Zone', [
    {
      name: 'square',
      area: new Parse.Polygon([
        [0, 0],
        [0, 2],
        [2, 2],
        [2, 0],
      ]),
    },
    {
      name: 'far',
      area: new Parse.Polygon([
        [50, 50],
        [50, 51],
        [51, 51],
      ]),
    },
  ]);
});
afterAll(() => s?.close());

const places = () => new Parse.Query('Place');
/** The names a query finds, sorted (for constraints whose order is not the point). */
const names = async (q: Parse.Query) => (await q.find()).map((o) => o.get('name') as string).sort();
/** The names in the order the server answered. */
const ordered = async (q: Parse.Query) => (await q.find()).map((o) => o.get('name') as string);

describe('comparisons', () => {
  it('equalTo and notEqualTo on strings, numbers, booleans, pointers and array elements', async () => {
    expect(await names(places().equalTo('name', 'Beta Bar'))).toEqual(['Beta Bar']);
    expect(await names(places().equalTo('rank', 3))).toEqual(['Gamma Gym']);
    expect(await names(places().equalTo('open', false))).toEqual(['Beta Bar', 'Epsilon']);
    expect(await names(places().notEqualTo('open', true))).toEqual(['Beta Bar', 'Epsilon']);
    expect(await names(places().notEqualTo('rank', 1))).toEqual(['Beta Bar', 'Epsilon', 'Gamma Gym', 'delta diner']);
    const ann = await new Parse.Query('Person').equalTo('name', 'ann').first();
    expect(await names(places().equalTo('owner', ann!))).toEqual(['Alpha Cafe', 'Gamma Gym']);
    expect(await names(places().notEqualTo('owner', ann!))).toEqual(['Beta Bar', 'Epsilon', 'delta diner']);
    expect(await names(places().equalTo('tags', 'food'))).toEqual(['Alpha Cafe', 'Beta Bar', 'delta diner']);
    expect(await names(places().equalTo('meta.stars', 5))).toEqual(['Alpha Cafe']);
  });

  it('lessThan, lessThanOrEqualTo, greaterThan, greaterThanOrEqualTo on numbers and dates', async () => {
    expect(await names(places().lessThan('rank', 3))).toEqual(['Alpha Cafe', 'Beta Bar']);
    expect(await names(places().lessThanOrEqualTo('rank', 3))).toEqual(['Alpha Cafe', 'Beta Bar', 'Gamma Gym']);
    expect(await names(places().greaterThan('rank', 3))).toEqual(['Epsilon', 'delta diner']);
    expect(await names(places().greaterThanOrEqualTo('rank', 4).lessThan('rank', 5))).toEqual(['delta diner']);
    expect(await names(places().greaterThan('opened', new Date('2020-06-01T00:00:00Z')))).toEqual(['Beta Bar', 'Gamma Gym']);
    expect(await names(places().lessThanOrEqualTo('opened', new Date('2021-01-01T00:00:00Z')))).toEqual(['Alpha Cafe', 'Beta Bar']);
    expect(await names(places().greaterThan('createdAt', new Date(0)).lessThan('rank', 2))).toEqual(['Alpha Cafe']);
  });

  it('containedIn, notContainedIn, containsAll, containedBy', async () => {
    expect(await names(places().containedIn('rank', [1, 4, 9]))).toEqual(['Alpha Cafe', 'delta diner']);
    expect(await names(places().notContainedIn('rank', [1, 2, 3]))).toEqual(['Epsilon', 'delta diner']);
    expect(await names(places().containedIn('tags', ['sport', 'drink']))).toEqual(['Beta Bar', 'Gamma Gym']);
    expect(await names(places().containsAll('tags', ['food', 'coffee']))).toEqual(['Alpha Cafe']);
    expect(await names(places().containedBy('tags', ['food', 'coffee', 'sport']))).toEqual(['Alpha Cafe', 'Gamma Gym', 'delta diner']);
    const people = await new Parse.Query('Person').containedIn('name', ['ann', 'cat']).find();
    expect(await names(places().containedIn('owner', people))).toEqual(['Alpha Cafe', 'Gamma Gym', 'delta diner']);
  });

  it('containsAllStartingWith: every prefix starts some element', async () => {
    expect(await names(places().containsAllStartingWith('tags', ['fo', 'dr']))).toEqual(['Beta Bar']);
    expect(await names(places().containsAllStartingWith('tags', ['co']))).toEqual(['Alpha Cafe']);
  });

  it('exists and doesNotExist', async () => {
    expect(await names(places().exists('desc'))).toEqual(['Alpha Cafe', 'Beta Bar', 'Gamma Gym', 'delta diner']);
    expect(await names(places().doesNotExist('tags'))).toEqual(['Epsilon']);
    expect(await names(places().doesNotExist('owner'))).toEqual(['Epsilon']);
    expect(await names(places().exists('meta'))).toEqual(['Alpha Cafe', 'Beta Bar']);
  });
});

describe('strings', () => {
  it('matches (with modifiers), startsWith, endsWith, contains', async () => {
    expect(await names(places().matches('name', /^[ab]/i))).toEqual(['Alpha Cafe', 'Beta Bar']);
    expect(await names(places().matches('name', 'a (c|b)', 'i'))).toEqual(['Alpha Cafe', 'Beta Bar']);
    expect(await names(places().matches('name', '^d'))).toEqual(['delta diner']);
    expect(await names(places().startsWith('name', 'Gam'))).toEqual(['Gamma Gym']);
    expect(await names(places().startsWith('name', 'gam'))).toEqual([]);
    expect(await names(places().endsWith('name', 'Bar'))).toEqual(['Beta Bar']);
    expect(await names(places().contains('desc', 'coffee'))).toEqual(['Alpha Cafe', 'delta diner']);
    // Regex characters in a contains are literal.
    expect(await names(places().contains('name', '.*'))).toEqual([]);
  });

  it('fullText finds words (stemmed); sortByTextScore is answered', async () => {
    expect(await names(places().fullText('desc', 'coffee'))).toEqual(['Alpha Cafe', 'delta diner']);
    expect(await names(places().fullText('desc', 'weight'))).toEqual(['Gamma Gym']);
    expect(await names(places().fullText('desc', 'Pancake').equalTo('open', true))).toEqual(['delta diner']);
    // Plinth does not rank text matches (no `score`): the matches come back, in no promised order.
    const ranked = await places().fullText('desc', 'coffee').sortByTextScore().find();
    expect(ranked.map((o) => o.id).sort()).toEqual([byName.get('Alpha Cafe')!.id, byName.get('delta diner')!.id].sort());
  });
});

describe('subqueries and compound queries', () => {
  it('matchesQuery and doesNotMatchQuery on a pointer, two levels deep too', async () => {
    const older = new Parse.Query('Person').greaterThan('age', 28);
    expect(await names(places().matchesQuery('owner', older))).toEqual(['Alpha Cafe', 'Beta Bar', 'Gamma Gym']);
    expect(await names(places().doesNotMatchQuery('owner', older))).toEqual(['Epsilon', 'delta diner']);
    const inRed = new Parse.Query('Person').matchesQuery('team', new Parse.Query('Team').equalTo('city', 'Oslo'));
    expect(await names(places().matchesQuery('owner', inRed))).toEqual(['Alpha Cafe', 'Gamma Gym', 'delta diner']);
  });

  it('matchesKeyInQuery and doesNotMatchKeyInQuery', async () => {
    // Places whose rank equals some person's age / 10 (ann 30 → 3, bob 40 → 4): a key of another class.
    await seed('Rank', [{ value: 3 }, { value: 4 }]);
    const ranks = new Parse.Query('Rank');
    expect(await names(places().matchesKeyInQuery('rank', 'value', ranks))).toEqual(['Gamma Gym', 'delta diner']);
    expect(await names(places().doesNotMatchKeyInQuery('rank', 'value', ranks))).toEqual(['Alpha Cafe', 'Beta Bar', 'Epsilon']);
  });

  it('Parse.Query.or, and, nor — nested too', async () => {
    const low = places().lessThan('rank', 2);
    const high = places().greaterThan('rank', 4);
    expect(await names(Parse.Query.or(low, high))).toEqual(['Alpha Cafe', 'Epsilon']);
    expect(await names(Parse.Query.and(places().equalTo('open', true), places().equalTo('tags', 'food')))).toEqual(['Alpha Cafe', 'delta diner']);
    expect(await names(Parse.Query.nor(low, high))).toEqual(['Beta Bar', 'Gamma Gym', 'delta diner']);
    const nested = Parse.Query.or(Parse.Query.and(places().equalTo('open', false), places().exists('tags')), places().equalTo('rank', 3));
    expect(await names(nested)).toEqual(['Beta Bar', 'Gamma Gym']);
    // A compound query keeps its own constraints beside the $or.
    expect(await names(Parse.Query.or(low, high).equalTo('open', true))).toEqual(['Alpha Cafe']);
  });
});

describe('geo', () => {
  const origin = new Parse.GeoPoint(0, 0);

  it('near sorts by distance', async () => {
    expect(await ordered(places().near('loc', origin).limit(4))).toEqual(['Alpha Cafe', 'delta diner', 'Beta Bar', 'Gamma Gym']);
  });

  it('withinKilometers, withinMiles, withinRadians, sorted and not', async () => {
    expect(await ordered(places().withinKilometers('loc', origin, 100))).toEqual(['Alpha Cafe', 'delta diner']);
    expect(await ordered(places().withinKilometers('loc', origin, 120))).toEqual(['Alpha Cafe', 'delta diner', 'Beta Bar']);
    expect(await ordered(places().withinMiles('loc', new Parse.GeoPoint(0, 1), 40))).toEqual(['Beta Bar', 'delta diner']);
    expect(await ordered(places().withinRadians('loc', origin, 0.0125))).toEqual(['Alpha Cafe', 'delta diner']);
    expect(await names(places().withinKilometers('loc', origin, 120, false))).toEqual(['Alpha Cafe', 'Beta Bar', 'delta diner']);
  });

  it('withinGeoBox and withinPolygon', async () => {
    const box = places().withinGeoBox('loc', new Parse.GeoPoint(-1, -1), new Parse.GeoPoint(1, 2));
    expect(await names(box)).toEqual(['Alpha Cafe', 'Beta Bar', 'delta diner']);
    const square = [new Parse.GeoPoint(-1, -1), new Parse.GeoPoint(-1, 0.75), new Parse.GeoPoint(1, 0.75), new Parse.GeoPoint(1, -1)];
    // The typings take arrays only; the SDK sends GeoPoints as they are.
    expect(await names(places().withinPolygon('loc', square as unknown as number[][]))).toEqual(['Alpha Cafe', 'delta diner']);
    // Points given as arrays are [longitude, latitude] (GeoJSON's order), as Parse Server reads them.
    const asArrays = [
      [-1, -1],
      [0.75, -1],
      [0.75, 1],
      [-1, 1],
    ];
    expect(await names(places().withinPolygon('loc', asArrays))).toEqual(['Alpha Cafe', 'delta diner']);
  });

  it('polygonContains', async () => {
    const zones = (lat: number, lng: number) => names(new Parse.Query('Zone').polygonContains('area', new Parse.GeoPoint(lat, lng)));
    expect(await zones(1, 1)).toEqual(['square']);
    expect(await zones(50.2, 50.5)).toEqual(['far']);
    expect(await zones(50.5, 50.2)).toEqual([]);
    expect(await zones(-5, -5)).toEqual([]);
  });
});

describe('shaping and paging', () => {
  it('select and exclude', async () => {
    const selected = await places().equalTo('rank', 1).select('name', 'rank').first();
    expect(selected!.get('name')).toBe('Alpha Cafe');
    expect(selected!.get('rank')).toBe(1);
    expect(selected!.has('tags')).toBe(false);
    expect(selected!.has('desc')).toBe(false);
    expect(selected!.createdAt).toBeInstanceOf(Date);
    const excluded = await places().equalTo('rank', 1).exclude('desc', 'tags').first();
    expect(excluded!.get('name')).toBe('Alpha Cafe');
    expect(excluded!.has('desc')).toBe(false);
    expect(excluded!.has('tags')).toBe(false);
    expect(excluded!.get('meta')).toEqual({ stars: 5 });
    // A key of an included pointer.
    const nested = await places().equalTo('rank', 2).include('owner').select('name', 'owner.name').first();
    expect(nested!.get('owner').get('name')).toBe('bob');
  });

  it('include one level, two levels, and *', async () => {
    const one = await places().equalTo('rank', 1).include('owner').first();
    expect(one!.get('owner').get('name')).toBe('ann');
    expect(one!.get('owner').get('team').isDataAvailable()).toBe(false);
    const two = await places().equalTo('rank', 2).include('owner.team').first();
    expect(two!.get('owner').get('name')).toBe('bob');
    expect(two!.get('owner').get('team').get('city')).toBe('Rome');
    const star = await places().equalTo('rank', 4).include('*').first();
    expect(star!.get('owner').get('name')).toBe('cat');
    const got = await places().include(['owner', 'owner.team']).get(byName.get('Gamma Gym')!.id!);
    expect(got.get('owner').get('team').get('name')).toBe('Red');
    const withoutOwner = await places().equalTo('rank', 5).include('owner.team').first();
    expect(withoutOwner!.has('owner')).toBe(false);
  });

  it('ascending and descending on several keys', async () => {
    expect(await ordered(places().descending('open').addAscending('rank'))).toEqual(['Alpha Cafe', 'Gamma Gym', 'delta diner', 'Beta Bar', 'Epsilon']);
    expect(await ordered(places().ascending('open').addDescending('rank'))).toEqual(['Epsilon', 'Beta Bar', 'delta diner', 'Gamma Gym', 'Alpha Cafe']);
    expect(await ordered(places().lessThanOrEqualTo('rank', 3).ascending('open', 'name'))).toEqual(['Beta Bar', 'Alpha Cafe', 'Gamma Gym']);
    expect(await ordered(places().descending('createdAt').limit(2))).toEqual(['Epsilon', 'delta diner']);
  });

  it('limit, skip, count, first and get', async () => {
    expect(await ordered(places().ascending('rank').skip(1).limit(2))).toEqual(['Beta Bar', 'Gamma Gym']);
    expect(await places().count()).toBe(5);
    expect(await places().equalTo('open', true).count()).toBe(3);
    expect(await places().greaterThan('rank', 100).count()).toBe(0);
    expect((await places().ascending('rank').first())!.get('name')).toBe('Alpha Cafe');
    expect(await places().greaterThan('rank', 100).first()).toBeUndefined();
    const id = byName.get('Beta Bar')!.id!;
    expect((await places().get(id)).get('name')).toBe('Beta Bar');
    await expect(places().equalTo('open', true).get(id)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    const page = await places().ascending('rank').withCount().limit(2).find();
    expect(page).toMatchObject({ count: 5 });
    expect((page as unknown as { results: Parse.Object[] }).results.map((o) => o.get('rank'))).toEqual([1, 2]);
  });

  it('each and eachBatch visit every object once, past the batch size', async () => {
    await seed(
      'Many',
      Array.from({ length: 25 }, (_, i) => ({ i })),
    );
    const seen: number[] = [];
    await new Parse.Query('Many').each(
      (o) => {
        seen.push(o.get('i'));
      },
      { batchSize: 10 },
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const sizes: number[] = [];
    await new Parse.Query('Many').greaterThanOrEqualTo('i', 5).eachBatch(
      (batch) => {
        sizes.push(batch.length);
      },
      { batchSize: 8 },
    );
    expect(sizes).toEqual([8, 8, 4]);
  });
});

describe('distinct and aggregate (master)', () => {
  it('distinct answers the values of a field, with a where', async () => {
    // The SDK's distinct always sends the master key.
    expect((await places().distinct('open')).sort()).toEqual([false, true]);
    expect((await places().greaterThan('rank', 1).distinct('tags')).sort()).toEqual(['drink', 'food', 'sport']);
  });

  it('aggregate runs a pipeline: match, group, sort', async () => {
    const result = await places().aggregate(
      [{ $match: { rank: { $lte: 4 } } }, { $group: { _id: '$open', total: { $sum: '$rank' }, n: { $sum: 1 } } }, { $sort: { total: -1 } }],
      master,
    );
    expect(result).toEqual([
      { objectId: true, total: 8, n: 3 },
      { objectId: false, total: 2, n: 1 },
    ]);
  });

  it('refuses distinct and aggregate without the master key (the SDK always sends it: over REST)', async () => {
    const asked: Record<string, string>[] = [{ distinct: 'open' }, { pipeline: JSON.stringify([{ $match: {} }]) }];
    for (const params of asked) {
      const res = await fetch(`${s.serverURL}/aggregate/Place?${new URLSearchParams(params)}`, { headers: { 'X-Parse-Application-Id': APP_ID } });
      expect(res.status).toBe(403);
      // Parse 9 hides the detail by default (enableSanitizedErrorResponse).
      expect(await res.json()).toEqual({ error: 'Permission denied' });
    }
  });
});
