/** The `cloudCode` query's JSON (src/cloud/describe.ts): every part optional, an older server may answer less. */
export interface Stats {
  calls: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
}
export interface Located {
  file?: string | null;
  line?: number | null;
  location?: string | null;
}
export interface Trigger extends Located {
  kind: string;
  order: number;
  validator: unknown;
  stats: Stats | null;
}
export interface CloudFunction extends Located {
  name: string;
  validator: unknown;
  stats: Stats | null;
}
export interface Schedule {
  origin: 'code' | 'database';
  id: string | null;
  schedule: string;
  timeZone: string;
  nextRun: string | null;
}
export interface Job extends Located {
  name: string;
  registered: boolean;
  description: string | null;
  schedule: string | null;
  timeZone: string | null;
  scheduleError: string | null;
  nextRun: string | null;
  schedules: Schedule[];
  lastStatus: string | null;
  lastRunAt: string | null;
  lastMessage: string | null;
  stats: Stats | null;
}
export interface CloudCode {
  file?: string | null;
  loadedAt?: string | null;
  running?: boolean;
  classes?: { className: string; triggers: Trigger[] }[];
  functions?: CloudFunction[];
  jobs?: Job[];
}

/** `file:line` with the folders before the file name cut, the whole path in the tooltip. */
export function where(item: Located): { short: string; full: string } {
  const full = item.location ?? (item.file ? `${item.file}:${item.line ?? ''}` : '');
  return { short: full.split('/').pop() ?? full, full };
}

export function statsText(stats: Stats | null | undefined): string {
  if (!stats) return '';
  const parts = [`${stats.calls} calls`];
  if (stats.errors) parts.push(`${stats.errors} errors`);
  if (stats.p50Ms !== null) parts.push(`p50 ${stats.p50Ms} ms`);
  if (stats.p99Ms !== null) parts.push(`p99 ${stats.p99Ms} ms`);
  return parts.join(' · ');
}
