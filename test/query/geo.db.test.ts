import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

const SF = { latitude: 37.7749, longitude: -122.4194 };

// GeoPoint and Polygon operators. Distances are great-circle distances on a sphere of radius
// 6371 km (3958.8 miles); boxes and polygons include their boundary.
describe('where: GeoPoint and Polygon operators', () => {
  let f: QueryFixture;
  const t = (loc: unknown) => f.titles('Place', { loc });
  const near = (loc: unknown, order?: string[]) => f.ordered('Place', { loc }, order);
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Place', { addStrings: [{ name: 'title' }], addGeoPoint: { name: 'loc' }, addPolygons: [{ name: 'area' }] });
    const square = (south: number, west: number, north: number, east: number) => [
      { latitude: south, longitude: west },
      { latitude: north, longitude: west },
      { latitude: north, longitude: east },
      { latitude: south, longitude: east },
    ];
    await f.add('Place', { title: 'sf', loc: SF, area: square(37, -123, 38, -122) });
    await f.add('Place', { title: 'oakland', loc: { latitude: 37.8044, longitude: -122.2712 } }); // 13.4 km from sf
    await f.add('Place', { title: 'sj', loc: { latitude: 37.3382, longitude: -121.8863 } }); // 67.7 km
    await f.add('Place', { title: 'la', loc: { latitude: 34.0522, longitude: -118.2437 }, area: square(33, -119, 35, -117) }); // 559 km
    await f.add('Place', { title: 'ny', loc: { latitude: 40.7128, longitude: -74.006 } }); // 4130 km
    await f.add('Place', { title: 'edge', loc: { latitude: 10, longitude: 15 } });
    await f.add('Place', { title: 'corner', loc: { latitude: 20, longitude: 20 } });
    await f.add('Place', { title: 'outside', loc: { latitude: 15, longitude: 20.00001 } });
    await f.add('Place', { title: 'fiji', loc: { latitude: -17.7134, longitude: 178.065 } });
    await f.add('Place', { title: 'samoa', loc: { latitude: -13.759, longitude: -172.1046 } });
    await f.add('Place', { title: 'nowhere' });
  });
  afterAll(() => f?.close());

  it('nearSphere orders by distance, nearest first, when no order is given', async () => {
    const all = await near({ nearSphere: SF });
    expect(all.slice(0, 5)).toEqual(['sf', 'oakland', 'sj', 'la', 'ny']);
    expect(all).toHaveLength(10);
    expect(all).not.toContain('nowhere');
    expect(await near({ nearSphere: { latitude: 40, longitude: -74 } })).toEqual(expect.arrayContaining(['ny']));
    expect((await near({ nearSphere: { latitude: 40, longitude: -74 } }))[0]).toBe('ny');
  });

  it('pages through results in distance order', async () => {
    const query = `query($where: PlaceWhereInput, $after: String) { places(where: $where, first: 2, after: $after) { edges { cursor node { title } } } }`;
    const where = { loc: { nearSphere: SF } };
    const first = (await f.s.ok(query, { where })).places.edges;
    expect(first.map((e: any) => e.node.title)).toEqual(['sf', 'oakland']);
    const second = (await f.s.ok(query, { where, after: first[1].cursor })).places.edges;
    expect(second.map((e: any) => e.node.title)).toEqual(['sj', 'la']);
  });

  it('an explicit order wins over distance', async () => {
    expect(await near({ nearSphere: SF, maxDistanceInKilometers: 100 }, ['title_DESC'])).toEqual(['sj', 'sf', 'oakland']);
  });

  it('maxDistance in radians, miles and kilometers', async () => {
    expect(await near({ nearSphere: SF, maxDistanceInKilometers: 20 })).toEqual(['sf', 'oakland']);
    expect(await near({ nearSphere: SF, maxDistanceInKilometers: 100 })).toEqual(['sf', 'oakland', 'sj']);
    expect(await near({ nearSphere: SF, maxDistanceInMiles: 10 })).toEqual(['sf', 'oakland']);
    expect(await near({ nearSphere: SF, maxDistanceInMiles: 50 })).toEqual(['sf', 'oakland', 'sj']);
    expect(await near({ nearSphere: SF, maxDistanceInRadians: 0.01 })).toEqual(['sf', 'oakland']);
    expect(await near({ nearSphere: SF, maxDistanceInRadians: 0.011 })).toEqual(['sf', 'oakland', 'sj']);
    expect(await near({ nearSphere: SF, maxDistance: 0.1 })).toEqual(['sf', 'oakland', 'sj', 'la']);
    expect(await near({ nearSphere: SF, maxDistance: 0 })).toEqual(['sf']);
  });

  it('nearSphere counts and combines with other conditions', async () => {
    expect(await f.count('Place', { loc: { nearSphere: SF, maxDistanceInKilometers: 100 } })).toBe(3);
    expect(await f.ordered('Place', { loc: { nearSphere: SF, maxDistanceInKilometers: 600 }, title: { notEqualTo: 'oakland' } })).toEqual(['sf', 'sj', 'la']);
    expect(await f.titles('Place', { OR: [{ loc: { nearSphere: SF, maxDistanceInKilometers: 1 } }, { title: { equalTo: 'ny' } }] })).toEqual(['ny', 'sf']);
  });

  it('within a box, its boundary included', async () => {
    const box = (bottomLeft: object, upperRight: object) => t({ within: { box: { bottomLeft, upperRight } } });
    expect(await box({ latitude: 37, longitude: -123 }, { latitude: 38, longitude: -122 })).toEqual(['oakland', 'sf']);
    expect(await box({ latitude: 10, longitude: 10 }, { latitude: 20, longitude: 20 })).toEqual(['corner', 'edge']);
    expect(await box({ latitude: 10.000001, longitude: 10 }, { latitude: 20, longitude: 20 })).toEqual(['corner']);
  });

  it('a box whose west edge is east of its east edge crosses the antimeridian', async () => {
    const box = (bottomLeft: object, upperRight: object) => t({ within: { box: { bottomLeft, upperRight } } });
    expect(await box({ latitude: -20, longitude: 170 }, { latitude: -10, longitude: -170 })).toEqual(['fiji', 'samoa']);
    expect(await box({ latitude: -20, longitude: 175 }, { latitude: -10, longitude: 179 })).toEqual(['fiji']);
    expect(await box({ latitude: -20, longitude: -180 }, { latitude: -10, longitude: 180 })).toEqual(['fiji', 'samoa']);
  });

  it('geoWithin a polygon, its boundary included', async () => {
    const triangle = [
      { latitude: 38, longitude: -123 },
      { latitude: 38, longitude: -122 },
      { latitude: 37, longitude: -122.5 },
    ];
    expect(await t({ geoWithin: { polygon: triangle } })).toEqual(['oakland', 'sf']);
    const square = [
      { latitude: 10, longitude: 10 },
      { latitude: 10, longitude: 20 },
      { latitude: 20, longitude: 20 },
      { latitude: 20, longitude: 10 },
    ];
    expect(await t({ geoWithin: { polygon: square } })).toEqual(['corner', 'edge']);
  });

  it('geoWithin a centerSphere (center and radius in radians)', async () => {
    expect(await t({ geoWithin: { centerSphere: { center: SF, distance: 20 / 6371 } } })).toEqual(['oakland', 'sf']);
    expect(await t({ geoWithin: { centerSphere: { center: SF, distance: 600 / 6371 } } })).toEqual(['la', 'oakland', 'sf', 'sj']);
  });

  it('Polygon geoIntersects a point (boundary included)', async () => {
    const hit = (point: object) => f.titles('Place', { area: { geoIntersects: { point } } });
    expect(await hit({ latitude: 37.5, longitude: -122.5 })).toEqual(['sf']);
    expect(await hit({ latitude: 34, longitude: -118 })).toEqual(['la']);
    expect(await hit({ latitude: 37, longitude: -122.5 })).toEqual(['sf']);
    expect(await hit({ latitude: 0, longitude: 0 })).toEqual([]);
    expect(await f.titles('Place', { area: { exists: true } })).toEqual(['la', 'sf']);
  });

  it('Parse REST forms in subqueries', async () => {
    const rest = (where: object) => f.titles('Place', { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Place', where } } } });
    expect(await rest({ loc: { $nearSphere: { __type: 'GeoPoint', ...SF }, $maxDistanceInKilometers: 20 } })).toEqual(['oakland', 'sf']);
    expect(
      await rest({
        loc: {
          $within: {
            $box: [
              { __type: 'GeoPoint', latitude: 37, longitude: -123 },
              { __type: 'GeoPoint', latitude: 38, longitude: -122 },
            ],
          },
        },
      }),
    ).toEqual(['oakland', 'sf']);
    expect(await rest({ loc: { $geoWithin: { $centerSphere: [[SF.longitude, SF.latitude], 20 / 6371] } } })).toEqual(['oakland', 'sf']);
    expect(
      await rest({
        loc: {
          $geoWithin: {
            $polygon: [
              [37, -123],
              [38, -123],
              [38, -122],
              [37, -122],
            ].map(([lat, lng]) => ({ latitude: lat, longitude: lng })),
          },
        },
      }),
    ).toEqual(['oakland', 'sf']);
    // bare pairs are GeoJSON [longitude, latitude]; a Parse Polygon's coordinates are [latitude, longitude]
    expect(
      await rest({
        loc: {
          $geoWithin: {
            $polygon: [
              [-123, 37],
              [-123, 38],
              [-122, 38],
              [-122, 37],
            ],
          },
        },
      }),
    ).toEqual(['oakland', 'sf']);
    const polygon = {
      __type: 'Polygon',
      coordinates: [
        [37, -123],
        [38, -123],
        [38, -122],
        [37, -122],
      ],
    };
    expect(await rest({ loc: { $geoWithin: { $polygon: polygon } } })).toEqual(['oakland', 'sf']);
    expect(await rest({ area: { $geoIntersects: { $point: { __type: 'GeoPoint', latitude: 34, longitude: -118 } } } })).toEqual(['la']);
  });

  it('a latitude or longitude out of range is error 107, as in Parse', async () => {
    expect(await f.error('Place', { loc: { nearSphere: { latitude: 91, longitude: 0 } } })).toMatchObject({ code: 107 });
    expect(await f.error('Place', { loc: { within: { box: { bottomLeft: { latitude: 0, longitude: -181 }, upperRight: SF } } } })).toMatchObject({ code: 107 });
  });

  it('malformed geo constraints are error 102', async () => {
    const bad = [
      { nearSphere: SF, maxDistance: -1 },
      { nearSphere: SF, maxDistanceInKilometers: 10, maxDistanceInMiles: 10 },
      { maxDistance: 1 },
      { within: { box: { bottomLeft: { latitude: 20, longitude: 0 }, upperRight: { latitude: 10, longitude: 10 } } } },
      { geoWithin: { polygon: [SF, SF] } },
      { geoWithin: {} },
      { geoWithin: { centerSphere: { center: SF, distance: -1 } } },
    ];
    for (const loc of bad) expect(await f.error('Place', { loc }), JSON.stringify(loc)).toMatchObject({ code: 102 });
  });
});
