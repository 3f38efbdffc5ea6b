// The summary printed at the end of a run (and kept as summary.txt): every step, memory and
// seed, then each target over all its runs with its ratios against Parse and the floor.
import os from 'node:os';
import { FILES_SCENARIOS, filesSummary } from '../files/summary.mjs';
import { readResults } from './harness.mjs';
import { liveProblems, liveSummary } from './live-summary.mjs';

const LOAD_SCENARIOS = ['read', 'list', 'create', 'auth-read', 'auth-list'];
/** cloud/cloud.mjs's runs: in the step table, and compared in a table of their own (cloudSummary). */
const CLOUD_SCENARIOS = ['cloud-list-plain', 'cloud-list-hooked', 'cloud-create-plain', 'cloud-create-hooked', 'cloud-function'];
const TARGET_ORDER = ['parse', 'floor', 'pg', 'pg-redis', 'pg-s3', 'pglite'];
const TARGET_TITLE = {
  parse: 'Parse Server',
  floor: 'floor',
  pg: 'Plinth on PostgreSQL',
  'pg-redis': 'Plinth on PostgreSQL + Redis',
  'pg-s3': 'Plinth on PostgreSQL, files in S3',
  pglite: 'Plinth on PGlite',
};

/** Builds the summary text from the steps' outcomes and their JSONL files. */
export function summarize(opts, outcomes) {
  const steps = outcomes.map((o) => ({ ...o, lines: readResults(o.file) }));
  const parts = [
    header(opts, steps),
    stepTable(steps),
    memoryTable(steps),
    ...LOAD_SCENARIOS.map((s) => targetTable(steps, s)).filter(Boolean),
    goals(steps),
    cloudSummary(steps),
    liveSummary(steps, { table, ms, num }),
    filesSummary(steps, { table, ms, num, order: TARGET_ORDER, title: TARGET_TITLE }),
    noise(steps),
    problems(steps),
    footnote(),
  ];
  return parts.filter(Boolean).join('\n\n') + '\n';
}

/** What one load run measured; µs/req is the server's CPU time per request (CPU % of one core → µs per second). */
function runMetrics(line) {
  const usPerReq = line.server_cpu_pct != null && line.rps > 0 ? (line.server_cpu_pct * 1e4) / line.rps : null;
  return {
    rps: line.rps,
    p50: line.latency_ms?.p50,
    p99: line.latency_ms?.p99,
    usPerReq,
    serverCpu: line.server_cpu_pct,
    pgCpu: line.postgres_cpu_pct,
    rssMax: line.server_rss_mib_max,
    otherCpu: line.other_cpu_pct,
    errors: line.errors ?? 0,
  };
}

const runsOf = (step, scenario) => step.lines.filter((l) => l.scenario === scenario && l.latency_ms).map(runMetrics);

/** Where, on what, and with which harness settings (taken from the results where they are recorded). */
function header(opts, steps) {
  const lines = steps.flatMap((s) => s.lines);
  const env = lines.find((l) => l.scenario === 'env');
  const load = lines.find((l) => l.latency_ms);
  const seed = lines.find((l) => l.scenario === 'seed');
  const runs = Math.max(0, ...lines.filter((l) => l.latency_ms).map((l) => l.run));
  return [
    `Plinth bench: ${opts.outDir}`,
    `machine: ${env?.cpus ?? os.cpus().length} cores (${env?.cpu_model ?? os.cpus()[0]?.model}), ${env?.node ?? process.version}`,
    `harness: c=${load?.concurrency ?? '-'}, warm-up ${process.env.WARMUP_S || 2} s, ${load?.duration_s ?? '-'} s x ${runs} runs, ` +
      `seed ${seed?.authors ?? '-'} authors / ${seed?.posts ?? '-'} posts, order ${steps.map((s) => s.label).join(' → ')}`,
  ].join('\n');
}

function stepTable(steps) {
  const rows = [];
  for (const step of steps) {
    for (const scenario of [...LOAD_SCENARIOS, ...CLOUD_SCENARIOS, ...FILES_SCENARIOS]) {
      const runs = runsOf(step, scenario);
      if (!runs.length) continue;
      rows.push([
        step.label,
        scenario,
        `${num(mean(runs, 'rps'))} (${range(runs, 'rps')})`,
        ms(mean(runs, 'p50')),
        ms(mean(runs, 'p99')),
        num(mean(runs, 'usPerReq')),
        num(mean(runs, 'serverCpu')),
        num(mean(runs, 'pgCpu')),
        num(max(runs, 'rssMax')),
        num(max(runs, 'otherCpu')),
        String(runs.reduce((a, r) => a + r.errors, 0)),
      ]);
    }
  }
  if (!rows.length) return 'No load results (read, list, create, auth, cloud, files).';
  const head = ['step', 'scenario', 'req/s (range)', 'p50 ms', 'p99 ms', 'µs/req', 'srv CPU%', 'PG CPU%', 'RSS max', 'other CPU%', 'errors'];
  return 'Every step (mean of its runs)\n' + table(head, rows, 2);
}

function memoryTable(steps) {
  const rows = steps.map((step) => {
    const idle = step.lines.find((l) => l.scenario === 'idle');
    const seed = step.lines.find((l) => l.scenario === 'seed');
    return [
      step.label,
      num(idle?.rss_ready_mib),
      num(idle?.rss_idle_mib),
      seed ? num(seed.posts_per_s) : step.target === 'floor' ? 'by Parse' : '-',
      seed ? num(seed.ms_total) : '-',
    ];
  });
  const head = ['step', 'RSS ready MiB', 'RSS idle after seed MiB', 'seed posts/s', 'seed ms'];
  return 'Memory and seed\n' + table(head, rows, 1);
}

/** One scenario, one row per target over all runs of all its steps, with ratios against Parse and the floor. */
function targetTable(steps, scenario) {
  const byTarget = new Map();
  for (const step of steps) {
    const runs = runsOf(step, scenario);
    if (runs.length) byTarget.set(step.target, [...(byTarget.get(step.target) ?? []), ...runs]);
  }
  if (!byTarget.size) return null;
  const agg = (t) => (byTarget.has(t) ? { rps: mean(byTarget.get(t), 'rps'), p99: mean(byTarget.get(t), 'p99'), us: mean(byTarget.get(t), 'usPerReq') } : null);
  const parse = agg('parse');
  const floor = agg('floor');
  const head = ['target', 'runs', 'req/s', 'p99 ms', 'µs/req'];
  if (parse) head.push('req/s ÷ parse', 'p99 ÷ parse');
  if (floor) head.push('req/s ÷ floor', 'µs/req ÷ floor');
  const rows = [];
  for (const target of TARGET_ORDER.filter((t) => byTarget.has(t))) {
    const a = agg(target);
    const row = [TARGET_TITLE[target], String(byTarget.get(target).length), num(a.rps), ms(a.p99), num(a.us)];
    if (parse) row.push(ratio(a.rps, parse.rps), ratio(a.p99, parse.p99));
    if (floor) row.push(ratio(a.rps, floor.rps), ratio(a.us, floor.us));
    rows.push(row);
  }
  return `${scenario}: by target (mean of all its runs)\n` + table(head, rows, 1);
}

/** Issue 2's goal on PostgreSQL, when Parse and Plinth on PostgreSQL ran in the same run. */
function goals(steps) {
  const pool = (target, scenario) => steps.filter((s) => s.target === target).flatMap((s) => runsOf(s, scenario));
  const lines = [];
  for (const [scenario, goal] of [
    ['read', 2.5],
    ['list', 2],
    ['auth-read', 2.5],
    ['auth-list', 2],
  ]) {
    const plinth = pool('pg', scenario);
    const parse = pool('parse', scenario);
    if (!plinth.length || !parse.length) continue;
    const r = mean(plinth, 'rps') / mean(parse, 'rps');
    const p99 = mean(plinth, 'p99') / mean(parse, 'p99');
    const met = r >= goal && p99 < 1;
    lines.push(`  ${scenario}: req/s ${r.toFixed(2)}× Parse (goal ≥ ${goal}×), p99 ${p99.toFixed(2)}× (goal < 1): ${met ? 'met' : 'not met'}`);
  }
  return lines.length
    ? 'Goals (issue 2: read, list; issue 3: auth-read, auth-list, security on), Plinth on PostgreSQL against Parse:\n' + lines.join('\n')
    : null;
}

/** The cloud goals: a no-op trigger pair costs at most 10 % of req/s; callCloudCode at ≥ 3× Parse's req/s. */
const TRIGGER_GOAL = 0.9;
const FUNCTION_GOAL = 3;

/**
 * The cloud scenario by target (all runs of all its steps): each class's req/s, hooked ÷ plain
 * (the triggers' cost; 1 = free), the function's req/s and p99 and its ratio to Parse; then the goals.
 */
function cloudSummary(steps) {
  const pool = (target, scenario) => steps.filter((s) => s.target === target).flatMap((s) => runsOf(s, scenario));
  const targets = TARGET_ORDER.filter((t) => CLOUD_SCENARIOS.some((s) => pool(t, s).length));
  if (!targets.length) return null;
  const rps = (t, s) => mean(pool(t, s), 'rps');
  const parseFn = rps('parse', 'cloud-function');
  const head = ['target', 'runs', 'list plain', 'list hooked', 'hooked ÷ plain', 'create plain', 'create hooked', 'hooked ÷ plain', 'function', 'fn p99 ms'];
  if (parseFn) head.push('fn ÷ parse');
  const rows = targets.map((t) => {
    const row = [
      TARGET_TITLE[t],
      String(pool(t, 'cloud-function').length),
      num(rps(t, 'cloud-list-plain')),
      num(rps(t, 'cloud-list-hooked')),
      ratio(rps(t, 'cloud-list-hooked'), rps(t, 'cloud-list-plain')),
      num(rps(t, 'cloud-create-plain')),
      num(rps(t, 'cloud-create-hooked')),
      ratio(rps(t, 'cloud-create-hooked'), rps(t, 'cloud-create-plain')),
      num(rps(t, 'cloud-function')),
      ms(mean(pool(t, 'cloud-function'), 'p99')),
    ];
    if (parseFn) row.push(ratio(rps(t, 'cloud-function'), parseFn));
    return row;
  });
  const goals = [];
  for (const t of targets.filter((x) => x !== 'parse' && x !== 'floor')) {
    for (const [what, kind] of [
      ['create, no-op beforeSave + afterSave', 'create'],
      ['list, no-op beforeFind + afterFind', 'list'],
    ]) {
      const r = rps(t, `cloud-${kind}-hooked`) / rps(t, `cloud-${kind}-plain`);
      if (Number.isFinite(r))
        goals.push(
          `  ${TARGET_TITLE[t]}: ${what}: ${r.toFixed(3)}× the plain class's req/s (goal ≥ ${TRIGGER_GOAL}×): ${r >= TRIGGER_GOAL ? 'met' : 'not met'}`,
        );
    }
    const f = rps(t, 'cloud-function') / parseFn;
    if (parseFn && Number.isFinite(f))
      goals.push(`  ${TARGET_TITLE[t]}: callCloudCode ${f.toFixed(2)}× Parse's req/s (goal ≥ ${FUNCTION_GOAL}×): ${f >= FUNCTION_GOAL ? 'met' : 'not met'}`);
  }
  return (
    'cloud: by target (req/s, mean of all its runs; hooked = the same class with no-op triggers)\n' +
    table(head, rows, 1) +
    (goals.length ? '\nGoals (cloud code):\n' + goals.join('\n') : '')
  );
}

/** Above this, other processes took a noticeable share of the 2 cores during a window (the floor's own figures had ≤ 4 %). */
const NOISY_OTHER_CPU = 20;

/** Load windows that neighbours disturbed: their figures, and any ratio built on them, are suspect. */
function noise(steps) {
  const noisy = [];
  for (const step of steps) {
    for (const l of step.lines) {
      if (l.latency_ms && l.other_cpu_pct > NOISY_OTHER_CPU) noisy.push(`${step.label} ${l.scenario} #${l.run} (${l.other_cpu_pct}%)`);
      if (l.event_latency_ms && l.other_cpu_pct > NOISY_OTHER_CPU) noisy.push(`${step.label} live ${l.subscribers} (${l.other_cpu_pct}%)`);
    }
  }
  if (!noisy.length) return null;
  return (
    `Disturbed windows (other CPU% > ${NOISY_OTHER_CPU}: something else was running): ${noisy.join(', ')}.\n` +
    'Ratios that involve them are unreliable: run again on a quiet machine.'
  );
}

/** Failed steps, harness failures and the first error of every scenario that had errors. */
function problems(steps) {
  const lines = [];
  for (const step of steps) {
    if (step.failure) lines.push(`  ${step.label}: FAILED: ${step.failure}`);
    for (const l of step.lines) {
      if (l.scenario === 'error') lines.push(`  ${step.label}: harness error: ${l.error}`);
      else if (l.errors || (l.latency_ms && l.first_error)) {
        lines.push(`  ${step.label} ${l.scenario} run ${l.run}: ${l.errors} errors; first: ${String(l.first_error).slice(0, 400)}`);
      }
    }
  }
  lines.push(...liveProblems(steps));
  return lines.length ? 'Problems\n' + lines.join('\n') : 'No errors: every checked response was valid.';
}

function footnote() {
  return [
    'These figures come from one run on one machine, whose cores the servers, PostgreSQL and the load generator share:',
    'compare targets measured in the same run as ratios; do not compare absolute numbers across runs or machines.',
    'µs/req = server CPU time per request (the overhead, without the squeeze of a busy machine). srv/PG CPU% = % of one core;',
    'PG CPU% counts every postgres process on the machine (0 for PGlite, which runs inside Plinth). other CPU% = CPU used by',
    'everything else during the window: a high value means neighbours disturbed the run. ÷ columns: req/s above 1 is better,',
    'p99 and µs/req below 1 are better.',
  ].join('\n');
}

// --- small helpers -------------------------------------------------------------------------
function values(runs, key) {
  return runs.map((r) => r[key]).filter((v) => v != null && Number.isFinite(v));
}
function mean(runs, key) {
  const v = values(runs, key);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}
function max(runs, key) {
  const v = values(runs, key);
  return v.length ? Math.max(...v) : null;
}
function range(runs, key) {
  const v = values(runs, key);
  return v.length ? `${num(Math.min(...v))}–${num(Math.max(...v))}` : '-';
}
function num(x) {
  return x == null || !Number.isFinite(x) ? '-' : Math.round(x).toLocaleString('en-US');
}
function ms(x) {
  return x == null || !Number.isFinite(x) ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(1);
}
function ratio(a, b) {
  return a == null || b == null || !b ? '-' : `${(a / b).toFixed(2)}×`;
}

/** A plain text table: the first `leftColumns` columns left-aligned, the rest right-aligned. */
function table(head, rows, leftColumns) {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i < leftColumns ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return all.map(line).join('\n');
}
