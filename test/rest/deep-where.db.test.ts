import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient } from '../helpers/rest.ts';

// A client-supplied where nested to any depth is refused with 102 before anything walks it
// without bound: never a stack overflow answered as 500.

let s: TestServer;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
  expect((await rest('POST', 'classes/Priv', { master: true, body: { title: 't' } })).status).toBe(201);
});
afterAll(() => s.close());

/** `{"<op>":[{"<op>":[ … {inner} … ]}]}`, `depth` levels, as text (JSON.stringify itself overflows on it). */
function nested(op: string, depth: number, inner = '{}'): string {
  return `{"${op}":[`.repeat(depth) + inner + ']}'.repeat(depth);
}

const TOO_DEEP = { code: 102, error: 'Query is nested too deeply' };
const DEPTHS = [100, 10_000, 100_000];

describe('REST find: a deeply nested where', () => {
  for (const depth of DEPTHS) {
    for (const op of ['$and', '$or', '$nor']) {
      it(`answers 102 for ${op} nested ${depth} levels (the SDK's body form)`, async () => {
        const body = `{"_method":"GET","where":${nested(op, depth)}}`;
        const r = await rest('POST', 'classes/Priv', { master: true, body });
        expect([r.status, r.body]).toEqual([400, TOO_DEEP]);
      });
    }

    it(`answers 102 for a where nested ${depth} levels beside a top-level $relatedTo`, async () => {
      const relatedTo = '"$relatedTo":{"object":{"__type":"Pointer","className":"Priv","objectId":"x"},"key":"fans"}';
      const body = `{"_method":"GET","where":{${relatedTo},"$and":[${nested('$or', depth)}]}}`;
      const r = await rest('POST', 'classes/Priv', { master: true, body });
      expect([r.status, r.body]).toEqual([400, TOO_DEEP]);
    });

    it(`answers 102 for a where nested ${depth} levels sent as a JSON string, and for a count`, async () => {
      const where = JSON.stringify(nested('$and', depth));
      for (const extra of ['', ',"count":1,"limit":0']) {
        const r = await rest('POST', 'classes/Priv', { master: true, body: `{"_method":"GET","where":${where}${extra}}` });
        expect([r.status, r.body]).toEqual([400, TOO_DEEP]);
      }
    });
  }

  it('answers 102 for a where nested 100000 levels on the other routes that take one: users, batch, distinct, $match', async () => {
    const where = nested('$and', 100_000);
    const refused = [
      await rest('POST', 'users', { master: true, body: `{"_method":"GET","where":${where}}` }),
      await rest('POST', 'aggregate/Priv', { master: true, body: `{"_method":"GET","distinct":"title","where":${where}}` }),
      await rest('POST', 'aggregate/Priv', { master: true, body: `{"_method":"GET","pipeline":[{"$match":${where}}]}` }),
    ];
    expect(refused.map((r) => [r.status, r.body])).toEqual(refused.map(() => [400, TOO_DEEP]));
    const batch = await rest('POST', 'batch', { master: true, body: `{"requests":[{"method":"GET","path":"/parse/classes/Priv","body":{"where":${where}}}]}` });
    expect([batch.status, batch.body]).toEqual([200, [{ error: TOO_DEEP }]]);
  });

  it('answers 102 for a deep where in the query string of a GET', async () => {
    const r = await rest('GET', 'classes/Priv', { master: true, params: { where: nested('$and', 100) } });
    expect([r.status, r.body]).toEqual([400, TOO_DEEP]);
  });

  it('still refuses a $relatedTo inside a combinator with its own message, and serves a shallow where', async () => {
    const relatedTo = { $relatedTo: { object: { __type: 'Pointer', className: 'Priv', objectId: 'x' }, key: 'fans' } };
    const r = await rest('GET', 'classes/Priv', { master: true, params: { where: { $and: [{ $or: [relatedTo] }] } } });
    expect([r.status, r.body]).toEqual([400, { code: 102, error: '$relatedTo is supported at the top level of a where only' }]);
    const ok = await rest('GET', 'classes/Priv', { master: true, params: { where: nested('$and', 5, '{"title":"t"}') } });
    expect(ok).toMatchObject({ status: 200, body: { results: [{ title: 't' }] } });
  });

  it('answers a body of any depth, or a where string of any depth, with 107 or 102 from the JSON parse on, never 500', async () => {
    const expected = (code: number) => expect.objectContaining({ status: 400, body: expect.objectContaining({ code }) });
    for (const depth of [...DEPTHS, 1_000_000]) {
      const arrays = '['.repeat(depth) + ']'.repeat(depth);
      const send = async (body: string) => {
        const r = await rest('POST', 'classes/Priv', { master: true, body });
        return { status: r.status, body: r.body };
      };
      // Parsed, but not an object where: 102.
      expect(await send(`{"_method":"GET","where":${arrays}}`)).toEqual(expected(102));
      expect(await send(`{"_method":"GET","where":${JSON.stringify(arrays)}}`)).toEqual(expected(102));
      // Not JSON at all (one bracket left open): 107.
      expect(await send(`{"_method":"GET","where":${arrays.slice(0, -1)}}`)).toEqual(expected(107));
      expect(await send(`{"_method":"GET","where":${JSON.stringify(arrays.slice(0, -1))}}`)).toEqual(expected(107));
    }
  });
});
