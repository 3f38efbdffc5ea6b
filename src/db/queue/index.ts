export { JobQueue, ENGINE_SCHEMA, ABANDONED_MESSAGE, STOPPED_MESSAGE, messageOf, type JobQueueOptions } from './queue.ts';
export type { QueueJob, QueueHooks, Outcome, SendOptions, WorkOptions, WorkHandler } from './types.ts';
