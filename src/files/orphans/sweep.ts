import type { Logger } from '../../config/logger.ts';
import type { Sql } from '../../db/index.ts';
import { fileFields, referencedNamesSql } from '../../query/sql/file-references.ts';
import type { SchemaStore } from '../../schema/index.ts';
import { Auth } from '../../security/index.ts';
import type { FileRemover } from '../serve/index.ts';
import type { FileStorage } from '../types.ts';

/** Stored files looked at per step: one storage page, then one query per class with File fields. */
const PAGE_SIZE = 500;
/** Names a report lists; beyond them it only counts. */
const LISTED = 200;

export interface OrphanSweepDeps {
  db: Sql;
  schema: SchemaStore;
  storage: FileStorage;
  remove: FileRemover;
  logger?: Logger;
}

export interface OrphanSweepOptions {
  /** List the orphans without deleting anything. */
  dryRun: boolean;
  /** Only files stored at least this long ago count. */
  olderThanHours: number;
  /** Progress, after each page (the job's status message). */
  progress?: (text: string) => Promise<void>;
  now?: Date;
  pageSize?: number;
}

export interface OrphanReport {
  dryRun: boolean;
  olderThanHours: number;
  /** Stored files looked at. */
  scanned: number;
  /** Files no object refers to, old enough. */
  orphans: number;
  deleted: number;
  /** Deletions that failed (logged), the file kept. */
  failed: number;
  /** The first orphans found (all of them up to 200), in name order. */
  names: string[];
}

/**
 * Finds the stored files that no object refers to through a File field of any class, stored
 * more than `olderThanHours` ago, and deletes them (or, with `dryRun`, only lists them). The
 * store is read a page at a time, and each page is checked against the database with one
 * query per class with File fields, so memory stays flat however many files there are.
 *
 * The age is the guard against a race: a file linked to an object while the sweep runs could
 * be deleted between the check and the delete — an upload is linked within minutes, not hours.
 */
export async function sweepOrphans(deps: OrphanSweepDeps, options: OrphanSweepOptions): Promise<OrphanReport> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanHours * 3_600_000;
  const report: OrphanReport = { dryRun: options.dryRun, olderThanHours: options.olderThanHours, scanned: 0, orphans: 0, deleted: 0, failed: 0, names: [] };
  const master = Auth.master();
  let after: string | undefined;
  do {
    const page = await deps.storage.list({ after, limit: options.pageSize ?? PAGE_SIZE });
    report.scanned += page.files.length;
    const old = page.files.filter((f) => f.createdAt.getTime() <= cutoff).map((f) => f.name);
    const referenced = await referencedAmong(deps, old);
    for (const name of old) {
      if (referenced.has(name)) continue;
      report.orphans++;
      if (report.names.length < LISTED) report.names.push(name);
      if (options.dryRun) continue;
      try {
        if (await deps.remove(name, master)) report.deleted++;
      } catch (error) {
        report.failed++;
        deps.logger?.error({ err: error, file: name }, `orphan files: could not delete ${name}`);
      }
    }
    after = page.next;
    await options.progress?.(progressText(report, after !== undefined));
  } while (after !== undefined);
  return report;
}

/** The names among `names` that some object refers to (one query per class with File fields). */
async function referencedAmong(deps: OrphanSweepDeps, names: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (names.length === 0) return found;
  for (const cls of deps.schema.current.classes.values()) {
    const fields = fileFields(cls);
    if (fields.length === 0) continue;
    for (const row of await deps.db.query(referencedNamesSql(cls, fields), [names])) found.add(row.name as string);
  }
  return found;
}

function progressText(r: OrphanReport, more: boolean): string {
  const verb = r.dryRun ? 'found' : `deleted ${r.deleted} of`;
  return `${more ? 'in progress: ' : ''}${verb} ${r.orphans} orphan files among ${r.scanned} stored files`;
}

/** The run's final message: what was done, and the names (the first 200). */
export function describeReport(r: OrphanReport): string {
  const head = r.dryRun
    ? `dry run: ${r.orphans} orphan files older than ${r.olderThanHours} h among ${r.scanned} stored files`
    : `deleted ${r.deleted} orphan files older than ${r.olderThanHours} h among ${r.scanned} stored files${r.failed ? ` (${r.failed} could not be deleted)` : ''}`;
  if (r.names.length === 0) return head;
  const more = r.orphans - r.names.length;
  return `${head}: ${r.names.join(', ')}${more > 0 ? ` … and ${more} more` : ''}`;
}
