import type { Config } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Database } from '../../db/index.ts';
import type { Core } from '../../core/index.ts';
import type { SchemaStore } from '../../schema/index.ts';
import type { Auth, RoleResolver } from '../../security/index.ts';
import type { FileStorage } from '../../files/types.ts';
import type { PushService } from '../../push/index.ts';
import type { LiveContext } from '../../graphql/context.ts';
import type { AdminSessionResolver } from '../types.ts';
import type { AdminUsers } from '../accounts/index.ts';
import type { RecentLogs } from '../logs/index.ts';

/*
 * What the admin endpoint needs from the running server. Narrow, structural interfaces: the
 * server (server/app.ts) passes its own services, tests pass what they exercise.
 */

/** Dashboard users as the owners' screen changes them: admin/accounts' AdminUsers (`AdminAccounts.users`) fits as it is. */
export type AdminUsersApi = Pick<AdminUsers, 'list' | 'create' | 'update' | 'delete'>;

/** Cloud code as the public API runs it (server/app.ts: cloud.runtime and the describe function). */
export interface AdminCloudApi {
  /** Runs a function as `auth` with params already decoded (cloud/codec.ts decodeParams); 141 for an unknown one. */
  callFunction(name: string, params: Record<string, unknown>, auth: Auth): Promise<unknown>;
  /** The registry view, as the public `cloudCode` query gives it. */
  describe(): Promise<unknown>;
}

export interface AdminGraphQLDeps {
  config: Config;
  logger: Logger;
  db: Database;
  core: Core;
  schemaStore: SchemaStore;
  /** Roles of a user (browse-as builds that user's Auth as the public API does). */
  roles: Pick<RoleResolver, 'rolesOf'>;
  /** Dashboard sessions: setBrowsingAs. */
  sessions: Pick<AdminSessionResolver, 'setBrowsingAs'>;
  /** Live queries (objectEvents); without it, subscribing answers with an error. */
  live?: LiveContext;
  cloud?: AdminCloudApi;
  /** Cloud jobs: queues a run, answers its `_JobStatus` id (CloudJobs.runJob). */
  jobs?: { runJob(jobName: string, params?: Record<string, unknown>): Promise<string> };
  /** File URLs as the server hands them out (FileDownloads.url). */
  fileUrl(name: string): string;
  /** Where files live (listing); absent: no files. */
  fileStorage?: FileStorage;
  /** Deletes a stored file with its triggers (FileService.deleteStoredFile). */
  deleteFile?(name: string, auth: Auth): Promise<boolean>;
  /** Push (PushService.send). */
  push?: Pick<PushService, 'send'>;
  /** The server's recent log lines (admin/logs: recentLogsFor(logger)); absent: the Logs screen is empty. */
  logs?: Pick<RecentLogs, 'read'>;
  /** Dashboard users (admin/accounts: AdminAccounts.users), for the owners' screen. */
  adminUsers?: AdminUsersApi;
}
