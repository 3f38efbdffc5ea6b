import type { QueueHooks, RawSql } from '../../db/index.ts';
import { MARK_ENDED, MARK_RUNNING, SET_MESSAGE } from './sql.ts';
import type { JobSource } from './types.ts';

/** The queue of cloud job runs on the job engine. */
export const CLOUD_JOB_QUEUE = 'plinth-cloud-jobs';

/** What a queued run carries. */
export interface CloudJobData {
  /** The run's `_JobStatus` objectId. */
  statusId: string;
  jobName: string;
  params: Record<string, unknown>;
  source: JobSource;
}

/**
 * Keeps `_JobStatus` in step with the queue, in the engine's own transactions: `running` (with
 * its start time) when an instance claims the run; `succeeded` or `failed` (with `finishedAt`
 * and the error's message) when it ends — or `pending` again when a retry follows; `failed`
 * when the instance running it died or stopped.
 */
export const statusHooks: QueueHooks<CloudJobData> = {
  async onClaimed(job, tx) {
    await tx.query(MARK_RUNNING, [job.data.statusId]);
  },
  async onSettled(job, outcome, tx) {
    const id = job.data.statusId;
    // Parse: a handler's string result becomes the final message.
    if (outcome.ok) await tx.query(MARK_ENDED, [id, 'succeeded', typeof outcome.result === 'string' ? outcome.result : null]);
    else if (outcome.retrying) await tx.query(MARK_ENDED, [id, 'pending', `Attempt ${job.attempt} failed: ${outcome.message}. Retrying.`]);
    else await tx.query(MARK_ENDED, [id, 'failed', outcome.message]);
  },
};

/**
 * `request.message(text)` of one run: writes are chained, so messages land in the order they
 * were sent even when the handler does not await them. Non-string and empty messages are
 * ignored, as Parse does.
 */
export function messageWriter(raw: RawSql, statusId: string): (text: string) => Promise<void> {
  let chain: Promise<unknown> = Promise.resolve();
  return (text) => {
    if (typeof text !== 'string' || text === '') return Promise.resolve();
    const write = chain.then(() => raw.query(SET_MESSAGE, [statusId, text])).then(() => undefined);
    chain = write.catch(() => undefined);
    return write;
  };
}
