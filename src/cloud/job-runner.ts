import { Auth } from '../security/index.ts';
import { decodeParams } from './codec.ts';
import { inHandler } from './frames.ts';
import { invoke } from './invoke.ts';
import type { CloudEnv } from './object/index.ts';
import type { JobRunner } from './jobs/types.ts';
import type { CloudRuntime } from './runtime.ts';
import type { JobRequest } from './types.ts';

/**
 * How the job engine runs a job's handler: with the master key (as Parse runs jobs), its params
 * decoded from Parse JSON as a function's are, its statistics counted (the registry view), and
 * no time limit or slow log — jobs are long by nature. A throw fails the run.
 */
export function jobRunner(rt: CloudRuntime, env: CloudEnv): JobRunner {
  return (entry, run) => {
    const label = `job ${entry.name}`;
    // The data API acts as master, one trigger-level deep, so the re-entrance guard sees the job.
    const info = { context: {}, trace: [], cache: new Map(), chain: [label] };
    const request: JobRequest = {
      jobName: entry.name,
      jobId: run.jobId,
      params: decodeParams(run.params ?? {}, env) as Record<string, unknown>,
      source: run.source,
      message: run.message,
      log: rt.deps.logger.child({ job: entry.name }),
      data: rt.dataFor(Auth.master().withRequest(info)),
    };
    return invoke(entry, label, { ...rt.env, timeoutMs: 0, slowMs: 0 }, undefined, () => inHandler(info, () => entry.handler(request)));
  };
}
