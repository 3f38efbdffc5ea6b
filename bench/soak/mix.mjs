// The soak's mixed load: requests sent at a fixed rate (open loop), each drawn from a weighted
// mix of reads, lists with a pointer, creates, updates and deletes, so that the load (and the
// table sizes) stay the same for the whole run and a drift in memory or latency is the
// server's, not the load's. Results are kept per sampling window.
import { mulberry32 } from '../harness/lib/scenarios.mjs';

const QUERIES = {
  read: 'query SoakRead($id: ID!) { post(id: $id) { id title views author { name } } }',
  list:
    'query SoakList($n: Float!) { posts(first: 20, where: { views: { greaterThan: $n } }, order: [views_ASC]) ' +
    '{ edges { node { id title views author { name } } } } }',
  create: 'mutation SoakCreate($input: CreatePostInput!) { createPost(input: $input) { post { id } } }',
  update: 'mutation SoakUpdate($input: UpdatePostInput!) { updatePost(input: $input) { post { id views } } }',
  delete: 'mutation SoakDelete($input: DeletePostInput!) { deletePost(input: $input) { post { id } } }',
};

/** Parses the mix "read=40,list=25,update=15,write=20" into cumulative weights. */
export function parseMix(text) {
  const mix = [];
  let total = 0;
  for (const part of text.split(',')) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!['read', 'list', 'update', 'write'].includes(name) || !(Number(weight) >= 0))
      throw new Error(`SOAK_MIX: bad entry "${part}" (read, list, update, write = weights)`);
    total += Number(weight);
    mix.push([name, total]);
  }
  if (!total) throw new Error('SOAK_MIX: the weights add up to 0');
  return { mix, total };
}

/** A fresh window's counters. */
function newWindow() {
  return { latencies: [], byOp: {}, errors: 0, firstError: null, shed: 0, creates: 0 };
}

/**
 * Starts the load. `read` and `list` go without credentials (the ACL filter in the SQL);
 * writes with the master key. A `write` creates a post, or deletes the oldest post the soak
 * created once `keepCreated` of them exist, so that the Post table keeps its size.
 * Returns `{ takeWindow(), stop() }`: takeWindow hands over the counters since the last call.
 */
export function startMix({ anon, master, ids, rps, maxInFlight, mix: { mix, total }, keepCreated, viewsRange }) {
  const rnd = mulberry32(20251206);
  const created = [];
  let window = newWindow();
  let inFlight = 0;
  let dispatched = 0;
  let serial = 0;
  let stopped = false;
  const pending = new Set();
  const pick = (a) => a[Math.floor(rnd() * a.length)];

  function next() {
    const r = rnd() * total;
    const name = mix.find(([, upTo]) => r < upTo)[0];
    switch (name) {
      case 'read':
        return { op: 'read', client: anon, body: { query: QUERIES.read, variables: { id: pick(ids.postIds) } } };
      case 'list':
        return { op: 'list', client: anon, body: { query: QUERIES.list, variables: { n: Math.floor(rnd() * viewsRange * 0.9) } } };
      case 'update':
        return {
          op: 'update',
          client: master,
          body: { query: QUERIES.update, variables: { input: { id: pick(ids.postIds), fields: { views: Math.floor(rnd() * viewsRange) } } } },
        };
      default:
        if (created.length >= keepCreated)
          return { op: 'delete', client: master, body: { query: QUERIES.delete, variables: { input: { id: created.shift() } } } };
        return {
          op: 'create',
          client: master,
          body: {
            query: QUERIES.create,
            variables: { input: { fields: { title: `soak ${++serial}`, views: Math.floor(rnd() * viewsRange), author: { link: pick(ids.authorIds) } } } },
          },
        };
    }
  }

  async function send(request) {
    const t0 = performance.now();
    let error = null;
    let json = null;
    try {
      const { status, text } = await request.client.postRaw(JSON.stringify(request.body));
      if (status !== 200) error = `${request.op}: HTTP ${status}: ${text.slice(0, 200)}`;
      else {
        json = JSON.parse(text);
        if (json.errors) error = `${request.op}: ${JSON.stringify(json.errors).slice(0, 300)}`;
        else if (request.op === 'read' && !json.data?.post?.author) error = `read: no post or no author: ${text.slice(0, 200)}`;
        else if (request.op === 'list' && !Array.isArray(json.data?.posts?.edges)) error = `list: no edges: ${text.slice(0, 200)}`;
      }
    } catch (e) {
      error = `${request.op}: ${e?.message ?? e}`;
    }
    const ms = performance.now() - t0;
    const w = window;
    if (error) {
      w.errors++;
      w.firstError ??= error;
      return;
    }
    w.latencies.push(ms);
    (w.byOp[request.op] ??= []).push(ms);
    if (request.op === 'create') {
      w.creates++;
      created.push(json.data.createPost.post.id);
    }
  }

  // Open loop: every tick, send what the rate says is due; past `maxInFlight` a request is shed (counted, not sent).
  const start = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * rps) - dispatched;
    for (let i = 0; i < due; i++) {
      dispatched++;
      if (inFlight >= maxInFlight) {
        window.shed++;
        continue;
      }
      inFlight++;
      const p = send(next()).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
  }, 5);

  return {
    takeWindow() {
      const w = window;
      window = newWindow();
      return w;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...pending]);
    },
  };
}
