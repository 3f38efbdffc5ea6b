export { CloudJobs, type CloudJobsOptions, type RunJobOptions } from './engine.ts';
export { compileSchedule, type CompiledSchedule, type ScheduleFields } from './schedule-spec.ts';
export { CLOUD_JOB_QUEUE, type CloudJobData } from './status.ts';
export type { JobRun, JobRunner, JobSource, JobState, JobDescription, ScheduleDescription, RunSummary } from './types.ts';
