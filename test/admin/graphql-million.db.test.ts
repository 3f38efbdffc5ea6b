import { it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';
import { adminApi, makeAdmin } from '../helpers/admin.ts';

/*
 * Issue 14's figure "time to first rows on a 1,000,000-object class", for the admin endpoint
 * alone (no browser). Opt-in (PLINTH_ADMIN_BENCH=1): inserting the rows takes about a minute.
 * PGlite, Dec 2026, shared 2-core machine: by objectId 60–280 ms a page; by createdAt_DESC
 * without an index 1.3–2.2 s a page (a sort of the class), with one 40–80 ms (index scan,
 * incremental sort for the objectId tiebreaker).
 */
it.skipIf(!process.env.PLINTH_ADMIN_BENCH)(
  'pages a 1,000,000-object class by keyset',
  async () => {
    const s = await startTestServer();
    try {
      const api = adminApi(s.plinth);
      const owner = await makeAdmin(s.plinth, 'OWNER');
      await api.ok(owner, `mutation { createClass(className: "Big", fields: {title: {type: "String"}, n: {type: "Number"}}) { className } }`);
      await s.plinth.db.execute(`INSERT INTO "Big" ("objectId", "createdAt", "updatedAt", "title", "n", "_rperm", "_wperm")
        SELECT lpad(to_hex(i), 10, '0'), now() - (i || ' seconds')::interval, now(), 'title ' || i, i % 1000, ARRAY['*'], ARRAY['*'] FROM generate_series(1, 1000000) AS i`);
      const Q = `query($o: [String!], $a: String) { objects(className: "Big", order: $o, first: 100, after: $a) { objects next } }`;
      const pages = async (label: string, order: string[]) => {
        let after: string | null = null;
        for (let i = 0; i < 6; i++) {
          const t = Date.now();
          const data: any = await api.ok(owner, Q, { o: order, a: after });
          after = data.objects.next;
          console.log(label, i === 0 ? 'first page' : 'next page', Date.now() - t, 'ms');
        }
      };
      await pages('objectId', []);
      await pages('createdAt_DESC, no index', ['createdAt_DESC']);
      await api.ok(owner, `mutation { updateClass(className: "Big", indexes: {by_created: {createdAt: -1}}) { className } }`);
      await pages('createdAt_DESC, indexed', ['createdAt_DESC']);
    } finally {
      await s.close();
    }
  },
  600_000,
);
