// The soak's output: one row per sampling window, then a verdict on whether memory and latency
// stayed flat, from the medians of the last third of the windows against the first third's.
import { availableParallelism } from 'node:os';
import { percentiles } from '../harness/lib/load.mjs';

const round = (x, d = 1) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const median = (values) => {
  const a = values.filter((v) => v != null).sort((x, y) => x - y);
  if (!a.length) return null;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

/**
 * One window's row: what the load saw, the server's CPU, its RSS at the end of the window, and
 * its V8 heap sampled every second (`heaps`): the lowest heapUsed of the window (the live heap
 * after a collection, what a leak raises) and the highest.
 */
export function sampleRow({ index, elapsedS, windowS, load, proc, soakCpuPct, heaps, events }) {
  const p = percentiles(load.latencies);
  const done = load.latencies.length + load.errors;
  return {
    window: index,
    at_s: Math.round(elapsedS),
    rps: round(done / windowS),
    p50_ms: p.p50,
    p99_ms: p.p99,
    max_ms: p.max,
    errors: load.errors,
    first_error: load.firstError,
    shed: load.shed,
    ops: Object.fromEntries(Object.entries(load.byOp).map(([op, l]) => [op, { n: l.length, ...percentiles(l) }])),
    creates: load.creates,
    server_cpu_pct: proc.server_cpu_pct ?? null,
    postgres_cpu_pct: proc.postgres_cpu_pct ?? null,
    // The CPU everything else on the machine used (neighbours): the machine's, less the server's, PostgreSQL's and the soak's own.
    other_cpu_pct:
      proc.machine_cpu_busy_pct == null
        ? null
        : round(proc.machine_cpu_busy_pct * availableParallelism() - (proc.server_cpu_pct ?? 0) - (proc.postgres_cpu_pct ?? 0) - soakCpuPct, 0),
    rss_mib: round(proc.server_rss_mib_end),
    heap_floor_mib: heaps.length ? round(Math.min(...heaps.map((h) => h.heapUsed)) / 2 ** 20) : null,
    heap_peak_mib: heaps.length ? round(Math.max(...heaps.map((h) => h.heapUsed)) / 2 ** 20) : null,
    external_mib: heaps.length ? round(Math.max(...heaps.map((h) => h.external + h.arrayBuffers)) / 2 ** 20) : null,
    events,
  };
}

const COLUMNS = [
  ['min', (r) => (r.at_s / 60).toFixed(1)],
  ['req/s', (r) => r.rps],
  ['p50 ms', (r) => r.p50_ms],
  ['p99 ms', (r) => r.p99_ms],
  ['max ms', (r) => r.max_ms],
  ['errors', (r) => r.errors],
  ['shed', (r) => r.shed],
  ['CPU%', (r) => r.server_cpu_pct],
  ['PG CPU%', (r) => r.postgres_cpu_pct],
  ['other CPU%', (r) => r.other_cpu_pct],
  ['RSS MiB', (r) => r.rss_mib],
  ['heap floor', (r) => r.heap_floor_mib],
  ['heap peak', (r) => r.heap_peak_mib],
  ['ext MiB', (r) => r.external_mib],
  ['events', (r) => r.events.join('/')],
];

/** The table of windows, aligned, as text. */
export function table(rows) {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => String(f(r) ?? '-')))];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
}

/** Least-squares slope of `y` over time, per hour; null over less than ten minutes, where it says nothing. */
function slopePerHour(rows, y) {
  const pts = rows.filter((r) => r[y] != null).map((r) => [r.at_s / 3600, r[y]]);
  if (pts.length < 2 || pts[pts.length - 1][0] - pts[0][0] < 1 / 6) return null;
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, v]) => s + v, 0) / pts.length;
  const num = pts.reduce((s, [x, v]) => s + (x - mx) * (v - my), 0);
  const den = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den ? num / den : null;
}

/**
 * The verdict. A measure is flat when the median of the last third of the windows is at most
 * the first third's plus `pct` percent or plus `abs` (whichever allows more: small values are
 * noisy). Also required: no errors, and every subscriber got events in every window with creates.
 */
export function verdict(rows, limits) {
  const lines = [];
  let flat = true;
  const k = Math.floor(rows.length / 3);
  if (k < 1) return { flat: false, text: `verdict: too few windows (${rows.length}) for a verdict; run longer or sample more often` };
  const first = rows.slice(0, k);
  const last = rows.slice(rows.length - k);
  const check = (label, key, unit, { pct, abs }) => {
    const a = median(first.map((r) => r[key]));
    const b = median(last.map((r) => r[key]));
    if (a == null || b == null) return lines.push(`  ${label.padEnd(10)} not measured`);
    const ok = b <= Math.max(a * (1 + pct / 100), a + abs);
    flat &&= ok;
    const change = a ? `${b >= a ? '+' : ''}${round(((b - a) / a) * 100)} %` : 'n/a';
    const slope = slopePerHour(rows, key);
    const trend = slope == null ? '' : `; trend ${slope >= 0 ? '+' : ''}${round(slope)} ${unit}/h`;
    lines.push(
      `  ${label.padEnd(10)} ${ok ? 'flat  ' : 'RISING'} first third ${round(a)} ${unit} → last third ${round(b)} ${unit} (${change}; limit +${pct} % or +${abs} ${unit})${trend}`,
    );
  };
  check('RSS', 'rss_mib', 'MiB', limits.memory);
  check('heap floor', 'heap_floor_mib', 'MiB', limits.heap);
  check('p50', 'p50_ms', 'ms', limits.latency);
  check('p99', 'p99_ms', 'ms', limits.latency);
  const errors = rows.reduce((s, r) => s + r.errors, 0);
  const shed = rows.reduce((s, r) => s + r.shed, 0);
  if (errors) flat = false;
  lines.push(`  errors     ${errors ? `${errors}, first: ${rows.find((r) => r.first_error).first_error}` : 'none'}`);
  lines.push(`  shed       ${shed ? `${shed} requests not sent (the server fell behind the rate)` : 'none (the server kept up with the rate)'}`);
  const silent = rows.filter((r) => r.creates > 0 && r.events.some((n) => n === 0)).map((r) => r.window);
  if (silent.length) flat = false;
  lines.push(`  live       ${silent.length ? `a subscriber got no event in window(s) ${silent.join(', ')}` : 'every subscriber got events in every window'}`);
  const busiest = Math.max(...rows.map((r) => r.other_cpu_pct ?? 0));
  if (busiest > 20)
    lines.push(
      `  machine    BUSY: other processes used up to ${busiest} % of a core in a window; latency figures are not to be trusted, run again on a quiet machine`,
    );
  const head = flat ? 'verdict: FLAT — memory and latency stayed flat, no errors' : 'verdict: NOT FLAT — see below';
  return { flat, text: [`${head} (windows ${first[0].window}–${first[k - 1].window} against ${last[0].window}–${last[k - 1].window})`, ...lines].join('\n') };
}
