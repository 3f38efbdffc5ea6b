import type { PushConfig } from '../../config/push.ts';
import type { Logger } from '../../config/logger.ts';
import type { Core } from '../../core/index.ts';
import type { Database, JobQueue } from '../../db/index.ts';
import type { SchemaStore } from '../../schema/index.ts';
import type { PushProviders } from '../providers/types.ts';

/** The queue that reads a push's installations into batches, and the one that sends batches. */
export const PLAN_QUEUE = 'plinth-push-plan';
export const SEND_QUEUE = 'plinth-push-send';

export interface PlanJob {
  pushId: string;
}
export interface SendJob {
  batchId: string;
}

/** One device of a batch, as read (and its badge changed) when the batch was first prepared. */
export interface StoredDevice {
  id: string;
  token: string;
  type: string;
  badge: number | null;
  pushType: string | null;
  locale: string | null;
}

export interface DeliveryDeps {
  db: Database;
  core: Core;
  schemaStore: SchemaStore;
  queue: JobQueue;
  providers: PushProviders;
  config: PushConfig;
  logger?: Logger;
  /** A push reached its final status (afterPush triggers). */
  finished?(pushId: string): Promise<void>;
}

/** Engine attempts of a plan or send job: only a crash or a database failure uses them (devices retry in batches of their own). */
export const JOB_RETRIES = 20;
export const JOB_RETRY_DELAY_MS = 1000;
/** Attempts per device throttled or refused for the time being (429, 5xx, network). */
export const DEVICE_ATTEMPTS = 5;
