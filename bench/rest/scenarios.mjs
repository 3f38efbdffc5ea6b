// The REST scenarios: seed (Author, Post), get by id, a find of 100 with an include, a create.
// The data and the request mix are those of the GraphQL harness (same PRNG seeds, same shapes),
// sent as the Parse SDKs send them: /classes/<Class> with `where` JSON, `order`, `limit`, `include`.
import { runLoad } from './load.mjs';

/** The GraphQL harness's PRNG (harness/lib/scenarios.mjs), so that every server gets the same data. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pointer = (className, objectId) => ({ __type: 'Pointer', className, objectId });

/** Runs `fn` over `items`, `concurrency` at a time, keeping the order of the results. */
async function pool(items, concurrency, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/**
 * Creates the classes through /schemas where the server has it (else the first create of each
 * class makes it, with the master key, as Parse does), then 100 authors and 10,000 posts by plain
 * creates, SEED_CONCURRENCY at a time.
 */
export async function seed(client, cfg, log) {
  const t0 = performance.now();
  let classes = 'schemas';
  const author = { className: 'Author', fields: { name: { type: 'String' } } };
  const post = { className: 'Post', fields: { title: { type: 'String' }, views: { type: 'Number' }, author: { type: 'Pointer', targetClass: 'Author' } } };
  const first = await client.raw('POST', 'schemas/Author', author);
  if (first.status === 404) classes = 'implicit';
  else if (first.status >= 400) throw new Error(`seed: POST schemas/Author: HTTP ${first.status} ${first.text.slice(0, 300)}`);
  else await client.json('POST', 'schemas/Post', post);
  const tClasses = performance.now();

  const createAuthor = async (i) => (await client.json('POST', 'classes/Author', { name: `Author ${i}` })).objectId;
  const authorIdx = Array.from({ length: cfg.authors }, (_, i) => i);
  // Implicit classes: the first create alone, so that concurrent creates do not race to make the class.
  const authorIds = classes === 'implicit' ? [await createAuthor(0)] : [];
  authorIds.push(...(await pool(authorIdx.slice(authorIds.length), cfg.seedConcurrency, createAuthor)));
  const tAuthors = performance.now();
  log(`seed: ${authorIds.length} authors in ${Math.round(tAuthors - tClasses)} ms (classes: ${classes})`);

  const rnd = mulberry32(42);
  const posts = Array.from({ length: cfg.posts }, (_, i) => ({
    title: `Post ${i}`,
    views: Math.floor(rnd() * cfg.viewsRange),
    author: pointer('Author', authorIds[i % authorIds.length]),
  }));
  let done = 0;
  const createPost = async (p) => {
    const id = (await client.json('POST', 'classes/Post', p)).objectId;
    if (++done % 2000 === 0) log(`seed: ${done}/${posts.length} posts`);
    return id;
  };
  const postIds = classes === 'implicit' ? [await createPost(posts[0])] : [];
  postIds.push(...(await pool(posts.slice(postIds.length), cfg.seedConcurrency, createPost)));
  const tPosts = performance.now();
  const r = Math.round;
  return {
    ids: { authorIds, postIds },
    result: {
      authors: authorIds.length,
      posts: postIds.length,
      classes,
      seed_concurrency: cfg.seedConcurrency,
      ms_classes: r(tClasses - t0),
      ms_authors: r(tAuthors - tClasses),
      ms_posts: r(tPosts - tAuthors),
      ms_total: r(tPosts - t0),
      posts_per_s: Math.round((postIds.length / ((tPosts - tAuthors) / 1000)) * 10) / 10,
    },
  };
}

/** Without a seed in this run: up to 1,000 authors and 2,000 seeded posts (views ≥ 0) of the server. */
export async function discover(client) {
  const ids = async (className, where, max) => {
    const out = [];
    while (out.length < max) {
      const q = new URLSearchParams({ keys: 'objectId', limit: '1000', skip: String(out.length), order: 'objectId', where: JSON.stringify(where) });
      const { results } = await client.json('GET', `classes/${className}?${q}`);
      out.push(...results.map((o) => o.objectId));
      if (results.length < 1000) break;
    }
    return out.slice(0, max);
  };
  const authorIds = await ids('Author', {}, 1000);
  const postIds = await ids('Post', { views: { $gte: 0 } }, 2000);
  if (!authorIds.length || !postIds.length) throw new Error('discover: no Author/Post rows; run the seed scenario first');
  return { authorIds, postIds };
}

const loadOptions = (cfg) => ({
  concurrency: cfg.concurrency,
  durationS: cfg.duration,
  warmupS: cfg.warmup,
  sampleEvery: cfg.sampleEvery,
  serverPid: cfg.serverPid,
});

/** GET classes/Post/<id> of a random seeded post. */
export function getScenario(client, cfg, ids) {
  const rnd = mulberry32(7);
  const { postIds } = ids;
  return runLoad({
    client,
    ...loadOptions(cfg),
    next: () => {
      const id = postIds[Math.floor(rnd() * postIds.length)];
      return {
        method: 'GET',
        path: `classes/Post/${id}`,
        status: 200,
        check: (text) => {
          const o = JSON.parse(text);
          return o.objectId === id && typeof o.title === 'string' && typeof o.views === 'number' ? null : `bad get payload: ${text.slice(0, 200)}`;
        },
      };
    },
  });
}

/** The first 100 posts above a random view count, by views descending, with their authors included. */
export function findScenario(client, cfg) {
  const rnd = mulberry32(11);
  return runLoad({
    client,
    ...loadOptions(cfg),
    next: () => {
      const n = Math.floor(rnd() * cfg.findMaxN);
      const q = new URLSearchParams({ where: JSON.stringify({ views: { $gt: n } }), order: '-views', limit: String(cfg.findLimit), include: 'author' });
      return { method: 'GET', path: `classes/Post?${q}`, status: 200, check: (text) => checkFind(text, n, cfg.findLimit) };
    },
  });
}

export function checkFind(text, n, limit) {
  const rows = JSON.parse(text).results;
  if (!Array.isArray(rows)) return `bad find payload: ${text.slice(0, 200)}`;
  if (rows.length !== limit) return `find returned ${rows.length} rows, expected ${limit}`;
  for (let i = 0; i < rows.length; i++) {
    const p = rows[i];
    if (typeof p.title !== 'string' || typeof p.views !== 'number' || p.views <= n) return `bad row: ${JSON.stringify(p).slice(0, 200)}`;
    if (i && rows[i - 1].views < p.views) return 'find not sorted by views descending';
    const a = p.author;
    if (a?.__type !== 'Object' || a.className !== 'Author' || typeof a.name !== 'string') return `author not included: ${JSON.stringify(a)}`;
  }
  return null;
}

/** POST classes/Post with negative views, so that the created posts never enter find's results. */
export function createScenario(client, cfg, ids, run) {
  const rnd = mulberry32(100 + run);
  const { authorIds } = ids;
  let i = 0;
  return runLoad({
    client,
    ...loadOptions(cfg),
    next: () => {
      i++;
      const body = { title: `rest-create-${run}-${i}`, views: -i, author: pointer('Author', authorIds[Math.floor(rnd() * authorIds.length)]) };
      return {
        method: 'POST',
        path: 'classes/Post',
        body,
        status: 201,
        check: (text) => {
          const o = JSON.parse(text);
          return typeof o.objectId === 'string' && typeof o.createdAt === 'string' ? null : `bad create payload: ${text.slice(0, 200)}`;
        },
      };
    },
  });
}
