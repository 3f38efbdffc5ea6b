import { fileURLToPath } from 'node:url';
import type { FilesAccessConfig } from '../../config/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { CloudHolder, type RegistryListener } from '../../cloud/holder.ts';
import { CloudRegistry, type JobEntry } from '../../cloud/registry.ts';
import type { JobRequest } from '../../cloud/types.ts';
import { describeReport, sweepOrphans, type OrphanSweepDeps } from './sweep.ts';

/** The built-in job's name: `runJob(input: {jobName: "deleteOrphanFiles", params: {dryRun: true, olderThanHours: 48}})`. */
export const ORPHAN_JOB = 'deleteOrphanFiles';

/** The job's params: `dryRun` (boolean, default false), `olderThanHours` (a number ≥ 0, default the configured age). */
function paramsOf(params: Record<string, unknown>, defaultHours: number): { dryRun: boolean; olderThanHours: number } {
  const { dryRun = false, olderThanHours = defaultHours } = params;
  if (typeof dryRun !== 'boolean') throw new ParseError(ErrorCode.SCRIPT_FAILED, 'dryRun must be true or false');
  if (typeof olderThanHours !== 'number' || !Number.isFinite(olderThanHours) || olderThanHours < 0)
    throw new ParseError(ErrorCode.SCRIPT_FAILED, 'olderThanHours must be a number of hours, 0 or more');
  return { dryRun, olderThanHours };
}

/**
 * The orphan cleanup as a cloud job: run with the master key on the job engine like any job
 * (`runJob`, `jobStatus`, `_JobSchedule`), and on PLINTH_FILES_ORPHAN_SCHEDULE when set.
 * A scheduled run deletes; `{dryRun: true}` lists what would go, in the run's final message.
 */
export function orphanJob(deps: OrphanSweepDeps, config: FilesAccessConfig['orphans']): JobEntry {
  return {
    name: ORPHAN_JOB,
    key: `job:${ORPHAN_JOB}`,
    source: { file: fileURLToPath(import.meta.url), line: 1, column: 1 },
    options: {
      schedule: config.schedule,
      timeZone: config.timeZone,
      description: 'Deletes stored files that no object refers to (built in).',
    },
    async handler(request: JobRequest) {
      const { dryRun, olderThanHours } = paramsOf(request.params ?? {}, config.minAgeHours);
      const report = await sweepOrphans(deps, { dryRun, olderThanHours, progress: (text) => request.message(text) });
      request.log.info({ ...report, names: report.names.length }, `orphan files: ${describeReport({ ...report, names: [] })}`);
      return describeReport(report);
    },
  };
}

/**
 * The cloud registry in force with built-in jobs added (the cloud file's own job of the same
 * name wins): what the job engine reads, so that built-in jobs run, are scheduled and are
 * listed like the cloud file's. Follows every swap of the holder it wraps.
 */
export class WithBuiltinJobs extends CloudHolder {
  private readonly composed = new WeakMap<CloudRegistry, CloudRegistry>();

  constructor(
    private readonly inner: CloudHolder,
    private readonly builtins: readonly JobEntry[],
  ) {
    super();
  }

  private compose(registry: CloudRegistry): CloudRegistry {
    let out = this.composed.get(registry);
    if (!out) {
      const jobs = new Map(this.builtins.map((j) => [j.name, j]));
      for (const [name, job] of registry.jobs) jobs.set(name, job);
      out = new CloudRegistry(registry.functions, jobs, registry.triggers);
      this.composed.set(registry, out);
    }
    return out;
  }

  override get current(): CloudRegistry {
    return this.compose(this.inner.current);
  }

  override get fromCode(): CloudRegistry {
    return this.inner.fromCode;
  }

  override onChange(listener: RegistryListener): () => void {
    return this.inner.onChange((next, previous) => listener(this.compose(next), this.compose(previous)));
  }

  override swap(code: CloudRegistry, onError?: (error: unknown) => void): void {
    this.inner.swap(code, onError);
  }

  override setLayer(layer: Parameters<CloudHolder['setLayer']>[0], onError?: (error: unknown) => void): void {
    this.inner.setLayer(layer, onError);
  }

  override refresh(onError?: (error: unknown) => void): void {
    this.inner.refresh(onError);
  }
}
