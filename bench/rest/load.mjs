// Closed-loop load over the REST client: the GraphQL harness's loop (bench/harness/lib/load.mjs:
// `concurrency` workers on the shared keep-alive pool, a discarded warm-up, a window counting the
// requests completed inside it, /proc sampling of the server, postgres and the machine), sending
// REST requests, with each figure also as CPU-seconds per 1,000 requests.
import { runClosedLoop } from '../harness/lib/load.mjs';

/**
 * @param {object} o
 * @param {() => {method: string, path: string, body?: unknown, status: number, check?: (text: string) => string|null}} o.next
 *   the next request, its expected status, and a deep check run on one response in `sampleEvery`
 */
export async function runLoad({ client, next, ...loop }) {
  const result = await runClosedLoop({
    ...loop,
    async send(deep) {
      const r = next();
      const { status, text } = await client.raw(r.method, r.path, r.body);
      if (status !== r.status) return `HTTP ${status} (expected ${r.status}): ${text.slice(0, 200)}`;
      return deep && r.check ? r.check(text) : null;
    },
  });
  // CPU-seconds per 1,000 requests: the cost of a request, which req/s hides when the machine is the limit.
  const ok = result.requests_ok;
  const perThousand = (pct) => (pct != null && ok ? Math.round(((pct / 100) * result.window_s * 1000 * 1000) / ok) / 1000 : null);
  return {
    ...result,
    server_cpu_s_per_1000: loop.serverPid ? perThousand(result.server_cpu_pct) : undefined,
    postgres_cpu_s_per_1000: perThousand(result.postgres_cpu_pct),
  };
}
