import path from 'node:path';
import type { CloudCodeDescription, CloudJobDescription, StatsDescription, ValidatorDescription } from './describe.ts';
import type { JsonValue as Json } from './describe-validator.ts';

/*
 * The cloud code description as `plinth cloud` prints it: one block per class with its
 * triggers in the order they run, then the functions, then the jobs; one line per handler with
 * its file:line, validator and statistics.
 */

export interface TextOptions {
  /** Paths inside this directory are shown relative to it (default: the working directory). */
  cwd?: string;
}

function ms(value: number): string {
  const shown = value < 1 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : String(Math.round(value));
  return `${shown} ms`;
}

/** `12 calls, 1 error, p50 1.2 ms, p99 8.0 ms, last error "…" at …`; empty without statistics. */
export function statsText(stats: StatsDescription | null, idle = 'not called yet'): string {
  if (!stats) return '';
  if (stats.calls === 0) return idle;
  const parts = [`${stats.calls} call${stats.calls === 1 ? '' : 's'}`, `${stats.errors} error${stats.errors === 1 ? '' : 's'}`];
  if (stats.p50Ms !== null) parts.push(`p50 ${ms(stats.p50Ms)}`);
  if (stats.p99Ms !== null) parts.push(`p99 ${ms(stats.p99Ms)}`);
  if (stats.lastError !== null) parts.push(`last error ${JSON.stringify(stats.lastError)}${stats.lastErrorAt ? ` at ${stats.lastErrorAt}` : ''}`);
  return parts.join(', ');
}

function list(value: Json): string {
  return Array.isArray(value)
    ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
    : value === 'function'
      ? '(function)'
      : JSON.stringify(value);
}

/** `title(String, required, default "x")`, or the names alone for a list of fields. */
function fieldsText(rules: Json): string {
  if (Array.isArray(rules) || typeof rules !== 'object' || rules === null) return list(rules);
  return Object.entries(rules)
    .map(([field, rule]) => {
      if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return field;
      const bits = Object.entries(rule).map(([k, v]) =>
        k === 'type' ? String(v) : v === true ? k : `${k} ${v === 'function' ? '(function)' : JSON.stringify(v)}`,
      );
      return bits.length ? `${field}(${bits.join(', ')})` : field;
    })
    .join(', ');
}

const RULE_TEXT: Record<string, (value: Json) => string> = {
  requireAnyUserRoles: (v) => `any role of ${list(v)}`,
  requireAllUserRoles: (v) => `all roles ${list(v)}`,
  requireUserKeys: (v) => `user keys ${fieldsText(v)}`,
  fields: (v) => `fields ${fieldsText(v)}`,
  rateLimit: (v) => {
    const r = (v ?? {}) as Record<string, unknown>;
    return `rateLimit ${r.requestCount} per ${r.requestTimeWindow} ms per ${r.zone ?? 'ip'}`;
  },
};

/** A validator in a few words: `validator: requireUser; fields title(String, required)`; empty without one. */
export function validatorText(validator: ValidatorDescription | null): string {
  if (validator === null) return '';
  if (validator === 'function') return 'validator: function';
  const rules = Object.entries(validator).map(([key, value]) => {
    if (RULE_TEXT[key]) return RULE_TEXT[key](value);
    if (value === true) return key;
    return `${key} ${JSON.stringify(value)}`;
  });
  return rules.length ? `validator: ${rules.join('; ')}` : '';
}

/** Rows of cells as aligned columns (the last cell is not padded), two-space indented. */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map(
    (row) =>
      '  ' +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
  );
}

function jobRows(job: CloudJobDescription, shown: (file: string | null, line: number | null) => string): string[][] {
  const main: string[] = [job.name, job.registered ? shown(job.file, job.line) : '(not in the code)'];
  const what: string[] = [];
  if (job.schedule) what.push(`schedule ${JSON.stringify(job.schedule)} ${job.timeZone ?? 'UTC'}`);
  else if (job.registered) what.push('on demand');
  if (job.scheduleError) what.push(`schedule not valid: ${job.scheduleError}`);
  what.push(`next run ${job.nextRun ?? '-'}`);
  what.push(job.lastStatus ? `last run ${job.lastStatus}${job.lastRunAt ? ` at ${job.lastRunAt}` : ''}` : 'last run -');
  const stats = statsText(job.stats, 'not run here yet');
  main.push([what.join(', '), stats].filter(Boolean).join('  '));
  const rows = [main];
  for (const s of job.schedules.filter((s) => s.origin === 'database')) {
    rows.push(['', `  _JobSchedule ${s.id}`, `${s.schedule} ${s.timeZone}, next run ${s.nextRun ?? '-'}`]);
  }
  return rows;
}

/**
 * The description as readable text: a header (the file, when it was loaded, where the picture
 * comes from), then per class its triggers in the order they run, the functions and the jobs.
 * `origin` says where the picture comes from (the server's URL, or why it is static).
 */
export function cloudCodeText(d: CloudCodeDescription, origin: string, options: TextOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const rel = (file: string) => {
    // A webhook's location is its URL, not a path.
    if (/^https?:\/\//.test(file)) return file;
    const r = path.relative(cwd, file);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
  };
  const shown = (file: string | null, line: number | null) => (file === null ? '' : /^https?:\/\//.test(file) ? `webhook ${file}` : `${rel(file)}:${line}`);
  const lines: string[] = [];
  lines.push(`Cloud code: ${d.file ? rel(d.file) : d.loadedAt ? '(given as a function)' : '(none loaded)'}${d.loadedAt ? `, loaded ${d.loadedAt}` : ''}`);
  lines.push(origin);
  for (const cls of d.classes) {
    lines.push('', cls.className);
    lines.push(
      ...table(
        cls.triggers.map((t) => [`${t.kind} #${t.order}`, shown(t.file, t.line), [validatorText(t.validator), statsText(t.stats)].filter(Boolean).join('  ')]),
      ),
    );
  }
  lines.push('', d.functions.length ? 'Functions' : 'Functions: none');
  lines.push(...table(d.functions.map((f) => [f.name, shown(f.file, f.line), [validatorText(f.validator), statsText(f.stats)].filter(Boolean).join('  ')])));
  lines.push('', d.jobs.length ? 'Jobs' : 'Jobs: none');
  lines.push(...table(d.jobs.flatMap((j) => jobRows(j, shown))));
  if (!d.classes.length) lines.splice(2, 0, '', 'Triggers: none');
  return lines.join('\n') + '\n';
}
