import type { Config } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { Core } from '../core/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import type { Accounts, EmailFlows, Sessions } from '../auth/index.ts';
import type { RoleResolver } from '../security/index.ts';
import type { CloudRuntime } from '../cloud/runtime.ts';
import type { CloudEnv } from '../cloud/object/env.ts';
import type { CloudJobs } from '../cloud/jobs/index.ts';
import type { PushService } from '../push/index.ts';
import type { FileService } from '../files/index.ts';
import type { Auth } from '../security/index.ts';
import type { ClassDef } from '../schema/index.ts';
import type { RestRouter } from './router.ts';

/** What the REST API acts through: the same services GraphQL's resolvers call. */
export interface RestDeps {
  config: Config;
  logger: Logger;
  core: Core;
  schemaStore: SchemaStore;
  sessions: Sessions;
  roles: RoleResolver;
  accounts: Accounts;
  emailFlows: EmailFlows;
  /** Cloud code: functions, and how files and classes look to it. */
  cloud: { runtime: CloudRuntime; env: CloudEnv };
  jobs: CloudJobs;
  push: PushService;
  files: FileService;
  /** A stored file's URL as clients get it (signed in objects mode). */
  fileUrl(name: string): string;
  /** Told of every class created, changed or deleted through this API (the audit trail). */
  schemaChanged?(auth: Auth, className: string, before: ClassDef | undefined, after: ClassDef | undefined): Promise<void> | void;
  /** The route table, set by createRestApi for handlers that dispatch requests of their own (`POST batch`). */
  router?: RestRouter;
}
