// Subscribers for the live benchmarks: one WebSocket each, speaking either graphql-ws
// (`graphql-transport-ws`, Plinth) or Parse's LiveQuery protocol (the anchor). Unlike the
// harness's live scenario (harness/lib/live.mjs), which opens subscribers one after another
// and waits a fixed 500 ms after each (8 minutes for 1,000), these open many at a time and are
// known to be live by an event they received (see whenAllLive), not by a pause.
import WebSocket from 'ws';

function openSocket(url, protocol) {
  return new Promise((resolve, reject) => {
    const ws = protocol ? new WebSocket(url, protocol) : new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves with the first message `pred` accepts; rejects on an error message, a close or `timeoutMs`. */
function waitFor(ws, pred, what, timeoutMs = 15_000) {
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
      if (m.op === 'error' || m.type === 'error') done(reject, new Error(`${what}: server error ${JSON.stringify(m).slice(0, 300)}`));
      else if (pred(m)) done(resolve, m);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

/** graphql-ws: connection_init with the credentials (API.md's connectionParams), ack, then `subscriptions` subscribe messages. */
async function openGraphQLWs(cfg, onEvent, subscriptions) {
  const ws = await openSocket(cfg.liveUrl, 'graphql-transport-ws');
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (text.includes('"next"')) onEvent(text, performance.now());
    else if (text.includes('"ping"')) ws.send('{"type":"pong"}');
    else if (text.includes('"error"')) process.stderr.write(`[live] subscription error: ${text.slice(0, 300)}\n`);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { applicationId: cfg.appId, masterKey: cfg.masterKey } }));
  await waitFor(ws, (m) => m.type === 'connection_ack', 'connection_ack');
  for (let i = 1; i <= subscriptions; i++) ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: cfg.liveSubscription } }));
  return ws;
}

/** Parse LiveQuery: connect, then subscribe to the class; `subscribed` confirms each. */
async function openParse(cfg, onEvent, subscriptions) {
  const ws = await openSocket(cfg.liveUrl);
  ws.send(JSON.stringify({ op: 'connect', applicationId: cfg.appId, masterKey: cfg.masterKey }));
  await waitFor(ws, (m) => m.op === 'connected', 'connected');
  for (let i = 1; i <= subscriptions; i++) {
    ws.send(JSON.stringify({ op: 'subscribe', requestId: i, query: { className: cfg.liveClassName, where: {} } }));
    await waitFor(ws, (m) => m.op === 'subscribed' && m.requestId === i, 'subscribed');
  }
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (!text.includes('"subscribed"')) onEvent(text, performance.now());
  });
  return ws;
}

/**
 * Opens `count` sockets, `concurrency` at a time, each with `subscriptions` subscriptions;
 * `onEvent(index, text, receivedAt)` gets every event of socket `index`.
 */
export async function openSubscribers(cfg, { count, subscriptions = 1, concurrency = 50, onEvent }) {
  const open = cfg.liveMode === 'parse' ? openParse : cfg.liveMode === 'graphql-ws' ? openGraphQLWs : null;
  if (!open) throw new Error(`unknown LIVE_MODE ${cfg.liveMode} (graphql-ws or parse)`);
  const sockets = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      sockets[i] = await open(cfg, (text, at) => onEvent(i, text, at), subscriptions);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (error) {
    closeAll(sockets);
    throw error;
  }
  return sockets;
}

export function closeAll(sockets) {
  for (const ws of sockets) ws?.terminate();
}

/** A createPost whose unique title every subscriber of Post sees (negative views, as the harness's writes). */
export function createPostBody(title, views, authorId) {
  return { input: { fields: { title, views, ...(authorId ? { author: { link: authorId } } : {}) } } };
}

/**
 * Subscriptions are live once they deliver: writes a probe post (title `probeTitle(k)`) every
 * `everyMs` until `isLive()` says every subscriber has received one, or fails after `timeoutMs`.
 */
export async function whenAllLive({ write, probeTitle, isLive, everyMs = 500, timeoutMs = 120_000 }) {
  const deadline = Date.now() + timeoutMs;
  for (let k = 0; !isLive(); k++) {
    if (Date.now() > deadline) throw new Error(`subscribers not live after ${timeoutMs / 1000} s`);
    await write(probeTitle(k));
    const until = Date.now() + everyMs;
    while (!isLive() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }
}
