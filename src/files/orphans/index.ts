export { ORPHAN_JOB, orphanJob, WithBuiltinJobs } from './job.ts';
export { sweepOrphans, describeReport, type OrphanReport, type OrphanSweepDeps, type OrphanSweepOptions } from './sweep.ts';
