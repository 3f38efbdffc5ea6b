// The files part of the summary: per target, upload and download of 1 MiB files (files/s,
// latency, server CPU per file, ratios to Parse); per step, the large upload's RSS; then the goals.

/** The load runs of files.mjs; they appear in the summary's step table too. */
export const FILES_SCENARIOS = ['files-upload', 'files-download'];
/** The goals: ≥ 2× Parse's files/s both ways; RSS grows < 32 MiB while a large file is uploaded. */
export const FILES_GOALS = { ratio: 2, rssGrowthMiB: 32 };

const PLINTH_TARGETS = ['pg', 'pg-redis', 'pg-s3', 'pglite'];
/** The files/s goals compare like with like: Plinth's fs store against Parse's fs adapter (pg-s3 shows its ratios without a goal). */
const FS_TARGETS = ['pg', 'pg-redis', 'pglite'];

const mean = (values) => {
  const v = values.filter((x) => x != null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/** Every run of `scenario` by the steps of `target`. */
const runsOf = (steps, target, scenario) =>
  steps.filter((s) => s.target === target).flatMap((s) => s.lines.filter((l) => l.scenario === scenario && l.latency_ms));
const largeRuns = (steps) => steps.flatMap((s) => s.lines.filter((l) => l.scenario === 'files-large').map((l) => ({ step: s, line: l })));

/** Means over a target's runs of one scenario: files/s, p50, p99, server CPU ms per file, the S3 server's CPU %. */
function aggregate(runs) {
  if (!runs.length) return null;
  return {
    runs: runs.length,
    rate: mean(runs.map((l) => l.files_per_s ?? l.rps)),
    p50: mean(runs.map((l) => l.latency_ms.p50)),
    p99: mean(runs.map((l) => l.latency_ms.p99)),
    cpuMs: mean(runs.map((l) => l.server_cpu_ms_per_file)),
    storeCpu: mean(runs.map((l) => l.store_cpu_pct)),
  };
}

/** The summary's files sections, or null when the scenario did not run. */
export function filesSummary(steps, { table, ms, num, order, title }) {
  const stats = new Map();
  for (const target of order) {
    const up = aggregate(runsOf(steps, target, 'files-upload'));
    const down = aggregate(runsOf(steps, target, 'files-download'));
    if (up || down) stats.set(target, { up, down });
  }
  const large = largeRuns(steps);
  if (!stats.size && !large.length) return null;
  const parts = [];
  if (stats.size) parts.push(loadTable(steps, stats, { table, ms, num, title }));
  if (large.length) parts.push(largeTable(large, { table, num }));
  const goals = goalLines(stats, large, title);
  if (goals.length) parts.push('Goals (files):\n' + goals.join('\n'));
  return parts.join('\n\n');
}

function loadTable(steps, stats, { table, ms, num, title }) {
  const parse = stats.get('parse');
  const withStore = [...stats.values()].some((s) => s.up?.storeCpu != null || s.down?.storeCpu != null);
  const head = ['target', 'runs', 'up files/s', 'up p50 ms', 'up p99 ms', 'up CPU ms/file', 'down files/s', 'down p50 ms', 'down p99 ms', 'down CPU ms/file'];
  if (withStore) head.push('S3 CPU% up/down');
  if (parse) head.push('up ÷ parse', 'down ÷ parse');
  const cpu = (x) => (x == null ? '-' : x.toFixed(2));
  const rows = [...stats].map(([target, { up, down }]) => {
    const row = [title[target] ?? target, String(up?.runs ?? down?.runs ?? 0)];
    row.push(num(up?.rate), ms(up?.p50), ms(up?.p99), cpu(up?.cpuMs), num(down?.rate), ms(down?.p50), ms(down?.p99), cpu(down?.cpuMs));
    if (withStore) row.push(up?.storeCpu == null && down?.storeCpu == null ? '-' : `${num(up?.storeCpu)}/${num(down?.storeCpu)}`);
    if (parse) row.push(ratio(up?.rate, parse.up?.rate), ratio(down?.rate, parse.down?.rate));
    return row;
  });
  const line = steps.flatMap((s) => s.lines).find((l) => FILES_SCENARIOS.includes(l.scenario));
  return (
    `files: 1 MiB files, ${line?.concurrency ?? '-'} clients, by target (mean of all its runs)\n` +
    table(head, rows, 1) +
    '\nCPU ms/file = the server process\'s CPU time per file (S3: the s3rver process\'s is apart, in "S3 CPU%").'
  );
}

function largeTable(large, { table, num }) {
  const mib = (x) => (x == null ? '-' : x.toFixed(1));
  const rows = large.map(({ step, line }) => [
    step.label,
    !line.ok ? 'FAILED' : line.served_problem ? 'not served' : 'stored',
    num(line.size_mib),
    mib(line.mib_per_s),
    mib(line.rss_before_mib),
    mib(line.rss_peak_mib),
    mib(line.rss_growth_mib),
    mib(line.rss_after_mib),
  ]);
  const head = ['step', 'result', 'MiB', 'MiB/s', 'RSS before', 'RSS peak', 'growth MiB', 'RSS after'];
  const failures = large
    .filter(({ line }) => line.failure || line.served_problem)
    .map(({ step, line }) => `\n  ${step.label}: ${line.failure ? '' : 'stored, then '}${String(line.failure ?? line.served_problem).slice(0, 300)}`);
  return (
    "files: one large upload streamed by the bench, the server's RSS (MiB, read every 20 ms); stored = a HEAD of its URL gives its size\n" +
    table(head, rows, 2) +
    failures.join('')
  );
}

function goalLines(stats, large, title) {
  const lines = [];
  const parse = stats.get('parse');
  for (const target of PLINTH_TARGETS) {
    const s = stats.get(target);
    if (s && parse && FS_TARGETS.includes(target)) {
      for (const [what, mine, theirs] of [
        ['upload', s.up?.rate, parse.up?.rate],
        ['download', s.down?.rate, parse.down?.rate],
      ]) {
        if (!mine || !theirs) continue;
        const r = mine / theirs;
        lines.push(
          `  ${title[target]}: ${what} ${r.toFixed(2)}× Parse's files/s (goal ≥ ${FILES_GOALS.ratio}×): ${r >= FILES_GOALS.ratio ? 'met' : 'not met'}`,
        );
      }
    }
    const mine = large.filter(({ step }) => step.target === target).map(({ line }) => line);
    if (!mine.length) continue;
    const growth = Math.max(...mine.map((l) => (l.ok ? l.rss_growth_mib : Number.POSITIVE_INFINITY)));
    const met = growth < FILES_GOALS.rssGrowthMiB;
    const shown = Number.isFinite(growth) ? `+${growth.toFixed(1)} MiB` : 'failed';
    lines.push(`  ${title[target]}: RSS during a ${mine[0].size_mib} MiB upload ${shown} (goal < ${FILES_GOALS.rssGrowthMiB} MiB): ${met ? 'met' : 'not met'}`);
  }
  return lines;
}

function ratio(a, b) {
  return a == null || b == null || !b ? '-' : `${(a / b).toFixed(2)}×`;
}
