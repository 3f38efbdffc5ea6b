// Ratios between REST harness results: the runs of each target (a label less its `-<n>` suffix,
// so that parse-1 and parse-2 of an A B A count together) are averaged; every target is set
// against parse (or, without it, the first target). req/s ratios above 1 and latency or
// CPU-per-request ratios below 1 favour the candidate.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const GOALS = { get: 3, find: 3, create: 3 };

export function readRows(files) {
  const rows = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line);
      row.target = (row.label || basename(f, '.jsonl')).replace(/-\d+$/, '');
      rows.push(row);
    }
  }
  return rows;
}

const mean = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
};

function metrics(scenario, rows) {
  if (!rows.length) return null;
  if (scenario === 'seed') return { 'seed posts/s': mean(rows.map((r) => r.posts_per_s)) };
  if (scenario === 'live') {
    return {
      'live event p50 ms': mean(rows.map((r) => r.event_latency_ms?.p50)),
      'live event p95 ms': mean(rows.map((r) => r.event_latency_ms?.p95)),
      'live POST p50 ms': mean(rows.map((r) => r.post_latency_ms?.p50)),
    };
  }
  return {
    [`${scenario} req/s`]: mean(rows.map((r) => r.rps)),
    [`${scenario} p50 ms`]: mean(rows.map((r) => r.latency_ms.p50)),
    [`${scenario} p99 ms`]: mean(rows.map((r) => r.latency_ms.p99)),
    [`${scenario} server CPU %`]: mean(rows.map((r) => r.server_cpu_pct)),
    [`${scenario} server CPU s/1000 req`]: mean(rows.map((r) => r.server_cpu_s_per_1000)),
    [`${scenario} postgres CPU s/1000 req`]: mean(rows.map((r) => r.postgres_cpu_s_per_1000)),
    [`${scenario} other CPU %`]: mean(rows.map((r) => r.other_cpu_pct)),
    [`${scenario} errors`]: rows.reduce((a, r) => a + (r.errors ?? 0), 0),
  };
}

const fmt = (x) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3)) : '-');

/** The comparison table as text. */
export function compareText(rows) {
  // Parse Server is the baseline wherever it ran (B A B runs start with plinth).
  const seen = [...new Set(rows.map((r) => r.target))];
  const targets = seen.includes('parse') ? ['parse', ...seen.filter((t) => t !== 'parse')] : seen;
  const base = targets[0];
  const header = ['metric', base, ...targets.slice(1).flatMap((t) => [t, `÷ ${base}`])];
  const out = [header];
  const goalLines = [];
  for (const scenario of ['seed', 'get', 'find', 'create', 'live']) {
    const of = (t) =>
      metrics(
        scenario,
        rows.filter((r) => r.target === t && r.scenario === scenario),
      );
    const b = of(base);
    const others = targets.slice(1).map(of);
    const keys = new Set([...(b ? Object.keys(b) : []), ...others.flatMap((o) => (o ? Object.keys(o) : []))]);
    for (const k of keys) {
      const line = [k, fmt(b?.[k])];
      for (const o of others) line.push(fmt(o?.[k]), b?.[k] && o?.[k] ? `${(o[k] / b[k]).toFixed(2)}x` : '-');
      out.push(line);
    }
    targets.slice(1).forEach((t, i) => {
      const o = others[i];
      if (GOALS[scenario] && b && o) {
        const ratio = o[`${scenario} req/s`] / b[`${scenario} req/s`];
        goalLines.push(`${scenario}: ${t} ${ratio.toFixed(2)}x ${base}'s req/s (goal ≥ ${GOALS[scenario]}x): ${ratio >= GOALS[scenario] ? 'met' : 'NOT met'}`);
      }
      if (scenario === 'live' && b && o) {
        const ok = o['live event p50 ms'] <= b['live event p50 ms'];
        goalLines.push(`live: ${t} p50 ${fmt(o['live event p50 ms'])} ms vs ${fmt(b['live event p50 ms'])} ms (goal ≤ ${base}'s): ${ok ? 'met' : 'NOT met'}`);
      }
    });
  }
  const widths = header.map((_, i) => Math.max(...out.map((r) => String(r[i] ?? '').length)));
  const table = out.map((r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ')).join('\n');
  return `${table}\n\nmeans over all runs of each target; ratio = target ÷ ${base}.\n${goalLines.join('\n')}\n`;
}
