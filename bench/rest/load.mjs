// Closed-loop load over the REST client: `concurrency` workers, one request at a time each, on the
// shared keep-alive pool; a discarded warm-up, then a window that counts the requests *completed*
// inside it. Resource sampling is the GraphQL harness's (/proc: server CPU and RSS, every
// `postgres` process's CPU, the machine's busy %), so the figures compare with its lines.
import { availableParallelism } from 'node:os';
import { percentiles } from '../harness/lib/load.mjs';
import { startSampler } from '../harness/lib/procstat.mjs';

/**
 * @param {object} o
 * @param {() => {method: string, path: string, body?: unknown, status: number, check?: (text: string) => string|null}} o.next
 *   the next request, its expected status, and a deep check run on one response in `sampleEvery`
 */
export async function runLoad({ client, next, concurrency, durationS, warmupS, sampleEvery = 50, serverPid }) {
  const now = () => performance.now();
  const start = now();
  const measureStart = start + warmupS * 1000;
  const measureEnd = measureStart + durationS * 1000;
  const lat = [];
  let ok = 0;
  let errors = 0;
  let warmupRequests = 0;
  let firstError = null;
  let counter = 0;
  let stopSampler = null;
  let cpu0 = null;
  const samplerTimer = setTimeout(
    () => {
      stopSampler = startSampler(serverPid);
      cpu0 = process.cpuUsage();
    },
    Math.max(0, measureStart - now()),
  );

  async function worker() {
    while (now() < measureEnd) {
      const r = next();
      const deep = ++counter % sampleEvery === 1;
      const t0 = now();
      let err = null;
      try {
        const { status, text } = await client.raw(r.method, r.path, r.body);
        if (status !== r.status) err = `HTTP ${status} (expected ${r.status}): ${text.slice(0, 200)}`;
        else if (deep && r.check) err = r.check(text);
      } catch (e) {
        err = String(e?.message ?? e);
      }
      const t1 = now();
      if (t1 < measureStart) {
        warmupRequests++;
        if (err && !firstError) firstError = err;
        continue;
      }
      if (t1 > measureEnd) break;
      if (err) {
        errors++;
        if (!firstError) firstError = err;
      } else {
        ok++;
        lat.push(t1 - t0);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(samplerTimer);
  const windowS = (Math.min(now(), measureEnd) - measureStart) / 1000;
  const res = stopSampler ? stopSampler() : {};
  const cpu = cpu0 ? process.cpuUsage(cpu0) : null;
  const clientCpu = cpu ? Math.round((cpu.user + cpu.system) / 1e4 / windowS) : null;
  const otherCpu =
    res.machine_cpu_busy_pct != null && clientCpu != null
      ? Math.round(res.machine_cpu_busy_pct * availableParallelism() - clientCpu - (res.server_cpu_pct ?? 0) - (res.postgres_cpu_pct ?? 0))
      : null;
  // CPU-seconds per 1,000 requests: the cost of a request, which req/s hides when the machine is the limit.
  const perThousand = (pct) => (pct != null && ok ? Math.round(((pct / 100) * windowS * 1000 * 1000) / ok) / 1000 : null);
  return {
    requests_ok: ok,
    errors,
    warmup_requests: warmupRequests,
    window_s: Math.round(windowS * 1000) / 1000,
    rps: Math.round((ok / windowS) * 10) / 10,
    latency_ms: percentiles(lat),
    client_cpu_pct: clientCpu,
    ...res,
    server_cpu_s_per_1000: serverPid ? perThousand(res.server_cpu_pct) : undefined,
    postgres_cpu_s_per_1000: perThousand(res.postgres_cpu_pct),
    other_cpu_pct: res.server_cpu_pct != null ? otherCpu : undefined,
    first_error: firstError,
  };
}
