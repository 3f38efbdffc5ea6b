// The live parts of the summary: event latency per step and subscriber count, by target with
// Parse's 1-subscriber figure beside it, the memory of idle subscriptions, and issue 4's targets.

const TITLE = {
  parse: 'Parse Server (LiveQuery)',
  pg: 'Plinth on PostgreSQL',
  'pg-redis': 'Plinth on PostgreSQL + Redis',
  'pg-s3': 'Plinth on PostgreSQL, files in S3',
  pglite: 'Plinth on PGlite',
};
const ORDER = ['parse', 'pg', 'pg-redis', 'pg-s3', 'pglite'];
/** Issue 4's targets. */
export const LIVE_GOALS = { p99At1000Ms: 50, idleMB: 300 };

const liveRuns = (step) => step.lines.filter((l) => l.scenario === 'live' && l.event_latency_ms);
const idleRuns = (step) => step.lines.filter((l) => l.scenario === 'live-idle');

const iterations = (steps) => [...new Set(steps.flatMap(liveRuns).map((l) => l.iterations))].join(' or ');

/** Every live run: one row per step and subscriber count. */
function stepRows(steps, { table, ms, num }) {
  const rows = [];
  for (const step of steps) {
    for (const l of liveRuns(step)) {
      const e = l.event_latency_ms;
      rows.push([
        step.label,
        l.mode,
        String(l.subscribers),
        ms(e.p50),
        ms(e.p90),
        ms(e.p99),
        ms(e.max),
        ms(l.all_delivered_ms?.p99),
        ms(l.mutation_latency_ms?.p50),
        num(l.server_cpu_pct),
        num(l.postgres_cpu_pct),
        num(l.client_cpu_pct),
        num(l.other_cpu_pct),
        String(l.missed),
        String(l.setup_s),
      ]);
    }
  }
  if (!rows.length) return null;
  const head = [
    'step',
    'mode',
    'subs',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'all-at p99',
    'mutation p50',
    'srv CPU%',
    'PG CPU%',
    'bench CPU%',
    'other CPU%',
    'missed',
    'setup s',
  ];
  return (
    `Live: mutation sent → event at a subscriber (each row: ${iterations(steps)} mutations, one after another)\n` +
    table(head, rows, 3) +
    '\n"all-at p99" = until the event was at every subscriber; "mutation p50" = the mutation\'s own HTTP answer;\n' +
    'bench CPU% = the process holding all the subscriber sockets (it reads every event).'
  );
}

/** Mean p50/p99 per target and subscriber count over all its steps. */
function byTarget(steps) {
  const acc = new Map();
  for (const step of steps) {
    for (const l of liveRuns(step)) {
      const key = `${step.target}|${l.subscribers}`;
      const a = acc.get(key) ?? { target: step.target, subscribers: l.subscribers, p50: [], p99: [], missed: 0 };
      a.p50.push(l.event_latency_ms.p50);
      a.p99.push(l.event_latency_ms.p99);
      a.missed += l.missed;
      acc.set(key, a);
    }
  }
  const mean = (v) => v.reduce((x, y) => x + y, 0) / v.length;
  return [...acc.values()]
    .map((a) => ({ ...a, runs: a.p50.length, p50: mean(a.p50), p99: mean(a.p99) }))
    .sort((x, y) => ORDER.indexOf(x.target) - ORDER.indexOf(y.target) || x.subscribers - y.subscribers);
}

function targetTable(rows, { table, ms }) {
  if (!rows.length) return null;
  const parse1 = rows.find((r) => r.target === 'parse' && r.subscribers === 1);
  const head = ['target', 'subscribers', 'runs', 'p50 ms', 'p99 ms'];
  if (parse1) head.push('p50 ÷ parse (1 sub)');
  const body = rows.map((r) => {
    const row = [TITLE[r.target] ?? r.target, String(r.subscribers), String(r.runs), ms(r.p50), ms(r.p99)];
    if (parse1) row.push(r.subscribers === 1 ? `${(r.p50 / parse1.p50).toFixed(2)}×` : '-');
    return row;
  });
  return 'Live by target (mean of all its runs)\n' + table(head, body, 1);
}

function idleTable(steps, { table, num }) {
  const rows = [];
  for (const step of steps) {
    for (const l of idleRuns(step)) {
      if (l.error) continue;
      rows.push([
        step.label,
        num(l.subscriptions),
        `${l.connections}×${l.subscriptions_per_connection}`,
        num(l.rss_before_mib),
        num(l.rss_idle_mib),
        num(l.rss_after_event_mib),
        String(l.rss_per_subscription_kib ?? '-'),
        l.all_live ? 'yes' : 'NO',
        String(l.open_s),
      ]);
    }
  }
  if (!rows.length) return null;
  const head = ['step', 'subscriptions', 'conn×subs', 'RSS before MiB', 'RSS idle MiB', 'RSS after 1 event MiB', 'KiB/sub', 'all live', 'open s'];
  return "Idle subscriptions (live/idle.mjs, a fresh server process on the step's data)\n" + table(head, rows, 1);
}

/** Issue 4's targets, from whatever this run measured. */
function goals(steps, rows) {
  const lines = [];
  const parse1 = rows.find((r) => r.target === 'parse' && r.subscribers === 1);
  for (const r of rows.filter((x) => x.target !== 'parse')) {
    if (r.subscribers === 1 && parse1) {
      lines.push(
        `  ${TITLE[r.target]}, 1 subscriber: p50 ${r.p50.toFixed(2)} ms vs Parse ${parse1.p50.toFixed(2)} ms (goal ≤ Parse's): ${r.p50 <= parse1.p50 ? 'met' : `not met (+${(r.p50 - parse1.p50).toFixed(2)} ms, ${(r.p50 / parse1.p50).toFixed(2)}×)`}`,
      );
    }
    if (r.subscribers === 1000) {
      const met = r.p99 < LIVE_GOALS.p99At1000Ms && r.missed === 0;
      lines.push(
        `  ${TITLE[r.target]}, 1,000 subscribers: p99 ${r.p99.toFixed(1)} ms, ${r.missed} missed (goal < ${LIVE_GOALS.p99At1000Ms} ms, all served): ${met ? 'met' : 'not met'}`,
      );
    }
  }
  for (const step of steps) {
    for (const l of idleRuns(step)) {
      if (l.error || l.subscriptions !== 10_000) continue;
      const worst = Math.max(l.rss_idle_mib, l.rss_after_event_mib);
      lines.push(
        `  ${step.label}, 10,000 idle subscriptions: ${worst.toFixed(0)} MiB resident at most (goal < ${LIVE_GOALS.idleMB} MB = ${((LIVE_GOALS.idleMB * 1e6) / 2 ** 20).toFixed(0)} MiB): ${l.target_met ? 'met' : 'not met'}`,
      );
    }
  }
  return lines.length ? 'Goals (issue 4, live queries):\n' + lines.join('\n') : null;
}

/** Live runs that lost events or failed: their latency figures mean little. */
export function liveProblems(steps) {
  const lines = [];
  for (const step of steps) {
    for (const l of liveRuns(step))
      if (l.missed)
        lines.push(`  ${step.label} live ${l.subscribers} subscribers: ${l.missed} of ${l.iterations} events did not reach every subscriber within 5 s`);
    for (const l of idleRuns(step)) {
      if (l.error) lines.push(`  ${step.label} live-idle: ${l.error}`);
      else if (!l.all_live || l.closed_connections)
        lines.push(
          `  ${step.label} live-idle: ${l.closed_connections} connections closed, all live: ${l.all_live} (${l.most_events_per_probe} of ${l.subscriptions} got the probe event)`,
        );
    }
  }
  return lines;
}

/** The live sections of the summary (null when the run had no live scenario). */
export function liveSummary(steps, fmt) {
  const rows = byTarget(steps);
  const parts = [stepRows(steps, fmt), targetTable(rows, fmt), idleTable(steps, fmt), goals(steps, rows)].filter(Boolean);
  return parts.length ? parts.join('\n\n') : null;
}
