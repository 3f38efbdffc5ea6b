// One large upload, streamed from the bench (the file is generated 1 MiB at a time and never
// held whole), while the server's resident memory is read from /proc every 20 ms: what the
// server holds of a file it is storing. A server that refuses the file or dies is a result too.
import { randomFillSync } from 'node:crypto';
import { Client } from 'undici';
import { rssMiB } from '../harness/lib/procstat.mjs';
import { MiB } from './protocol.mjs';

const SAMPLE_MS = 20;
/** Sampling goes on this long after the answer: a server may release (or still use) memory then. */
const AFTER_MS = 500;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (x) => (x == null ? null : Math.round(x * 10) / 10);

/** The request body: the protocol's head, `sizeMiB` fresh random MiB, its tail. */
async function* body(protocol, sizeMiB) {
  yield protocol.head;
  for (let i = 0; i < sizeMiB; i++) yield randomFillSync(Buffer.allocUnsafe(MiB)); // a new buffer: the last may still be queued
  yield protocol.tail;
}

/** The server's highest RSS from now until stop(); null throughout where /proc is not there. */
function peakSampler(pid) {
  let peak = rssMiB(pid);
  let samples = 0;
  const timer = setInterval(() => {
    const rss = rssMiB(pid);
    samples++;
    if (rss != null && (peak == null || rss > peak)) peak = rss;
  }, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    return { peak, samples };
  };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Uploads `sizeMiB` MiB to the server at `origin` and returns the result line's fields. Never
 * throws for the server's sake: a refusal, a reset or a dead server is in `failure`.
 */
export async function largeUpload({ origin, protocol, sizeMiB, serverPid, settleMs = 2000 }) {
  // After the download runs: let the server's garbage go before "before" is read.
  await sleep(settleMs);
  const rssBefore = rssMiB(serverPid);
  const contentLength = protocol.head.length + sizeMiB * MiB + protocol.tail.length;
  const client = new Client(origin, { headersTimeout: 30 * 60_000, bodyTimeout: 30 * 60_000 });
  const stop = peakSampler(serverPid);
  const t0 = performance.now();
  let status = null;
  let failure = null;
  let url = null;
  try {
    const res = await client.request({
      method: 'POST',
      path: protocol.path,
      headers: { ...protocol.headers, 'content-length': String(contentLength) },
      body: body(protocol, sizeMiB),
    });
    const text = await res.body.text();
    status = res.statusCode;
    if (status !== protocol.okStatus) failure = `HTTP ${status}: ${text.slice(0, 300)}`;
    else url = protocol.urlOf(text) ?? null;
    if (!failure && !url) failure = `no URL in the answer: ${text.slice(0, 300)}`;
  } catch (error) {
    failure = String(error?.message ?? error);
  }
  const seconds = (performance.now() - t0) / 1000;
  await sleep(AFTER_MS);
  const { peak, samples } = stop();
  await client.close().catch(() => undefined);
  const alive = isAlive(serverPid);
  if (!alive) failure = `${failure ?? 'answered'}; the server process is gone`;
  return {
    size_mib: sizeMiB,
    ok: !failure,
    status,
    failure,
    url,
    duration_s: round1(seconds),
    mib_per_s: failure ? null : round1(sizeMiB / seconds),
    rss_before_mib: round1(rssBefore),
    rss_peak_mib: round1(peak),
    rss_growth_mib: rssBefore != null && peak != null ? round1(peak - rssBefore) : null,
    rss_after_mib: round1(rssMiB(serverPid)),
    rss_samples: samples,
    server_alive: alive,
  };
}
