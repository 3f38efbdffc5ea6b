// LiveQuery latency over Parse's WebSocket protocol: one subscriber to Post (`connect` with the
// app id and master key, `subscribe` to className Post), then LIVE_ITERATIONS REST creates one
// after another; each is timed from the moment its POST is sent to the `create` event carrying its
// unique title. A few creates before the measured ones make sure the subscription is live.
import WebSocket from 'ws';
import { percentiles } from '../harness/lib/load.mjs';
import { mulberry32 } from './scenarios.mjs';

const WARMUP_CREATES = 5;

function waitForMessage(ws, pred, what, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const done = (fn, arg) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      fn(arg);
    };
    const timer = setTimeout(() => done(reject, new Error(`timeout waiting for ${what}`)), timeoutMs);
    const onClose = (code, reason) => done(reject, new Error(`${what}: socket closed ${code} ${reason}`));
    function onMessage(raw) {
      let m;
      try {
        m = JSON.parse(raw.toString());
      } catch {
        return;
      }
      if (m.op === 'error') done(reject, new Error(`${what}: server error ${JSON.stringify(m).slice(0, 300)}`));
      else if (pred(m)) done(resolve, m);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

async function subscribe(cfg) {
  const ws = new WebSocket(cfg.liveUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ op: 'connect', applicationId: cfg.appId, masterKey: cfg.masterKey }));
  await waitForMessage(ws, (m) => m.op === 'connected', 'connected');
  ws.send(JSON.stringify({ op: 'subscribe', requestId: 1, query: { className: 'Post', where: {} } }));
  await waitForMessage(ws, (m) => m.op === 'subscribed' && m.requestId === 1, 'subscribed');
  return ws;
}

export async function liveScenario(client, cfg, ids, log) {
  const ws = await subscribe(cfg);
  const tag = Date.now().toString(36);
  const pending = new Map(); // title -> { sentAt, resolve }
  const badEvents = [];
  ws.on('message', (raw) => {
    const at = performance.now();
    const text = raw.toString();
    const m = /lqr-[a-z0-9]+-\d+/.exec(text);
    const p = m && pending.get(m[0]);
    if (!p) return;
    pending.delete(m[0]);
    const msg = JSON.parse(text);
    if (msg.op !== 'create' || msg.object?.title !== m[0]) badEvents.push(text.slice(0, 200));
    p.resolve(at - p.sentAt);
  });
  const rnd = mulberry32(999);
  const latencies = [];
  const postLatencies = [];
  let missed = 0;
  try {
    for (let i = 0; i < WARMUP_CREATES + cfg.liveIterations; i++) {
      const title = `lqr-${tag}-${i}`;
      const sentAt = performance.now();
      const delivered = new Promise((resolve) => pending.set(title, { sentAt, resolve }));
      const author = ids.authorIds[Math.floor(rnd() * ids.authorIds.length)];
      await client.json('POST', 'classes/Post', { title, views: -100000 - i, author: { __type: 'Pointer', className: 'Author', objectId: author } });
      const postMs = performance.now() - sentAt;
      const ms = await Promise.race([delivered, new Promise((r) => setTimeout(() => r(null), 5000))]);
      if (ms == null) {
        pending.delete(title);
        missed++;
        if (missed === 1) log(`live: no event for ${title} within 5 s`);
        if (missed >= 5 && i < WARMUP_CREATES + 10) throw new Error('live: no events arrive (is LiveQuery on for Post at LIVE_URL?)');
      } else if (i >= WARMUP_CREATES) {
        latencies.push(ms);
        postLatencies.push(postMs);
      }
    }
  } finally {
    ws.close();
  }
  return {
    live_url: cfg.liveUrl,
    iterations: cfg.liveIterations,
    missed,
    bad_events: badEvents.length,
    first_bad_event: badEvents[0],
    event_latency_ms: { ...percentiles(latencies), p95: p95(latencies) },
    post_latency_ms: percentiles(postLatencies), // POST sent -> its HTTP answer
  };
}

function p95(values) {
  const a = Float64Array.from(values).sort();
  return a.length ? Math.round(a[Math.min(a.length - 1, Math.ceil(0.95 * a.length) - 1)] * 100) / 100 : null;
}
