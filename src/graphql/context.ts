import type { Auth } from '../security/index.ts';
import type { Core } from '../core/index.ts';
import type { SchemaChanged } from '../core/schema-api.ts';
import type { SchemaStore } from '../schema/index.ts';
import type { Loaders } from './loaders.ts';
import type { Accounts, EmailFlows } from '../auth/index.ts';
import type { ChangeFeed, LiveEvents } from '../live/types.ts';
import type { AddressSlots } from '../live/address-slots.ts';
import type { LiveHooks } from '../live/cloud-hooks.ts';
import type { CloudJobsApi } from './cloud/jobs.ts';
import type { PushApi } from './push/send-push.ts';
import type { CloudCodeDescription } from '../cloud/describe.ts';
import type { Webhooks } from '../cloud/webhooks/index.ts';
import type { RequestUploads } from '../files/index.ts';

/** Per-request values every resolver may use. Built fresh for each request; never shared. */
export interface GraphQLContext {
  auth: Auth;
  core: Core;
  schemaStore: SchemaStore;
  /** Replaced before each subscription event is resolved (see generators/subscriptions.ts). */
  loaders: Loaders;
  /** Base URL for file links: <publicUrl>/files/<appId>/<name>. */
  fileBaseUrl: string;
  accounts: Accounts;
  emailFlows: EmailFlows;
  /** The client's address as the server saw it (rate limits); absent for in-process requests. */
  clientIp?: string;
  /** X-Parse-Installation-Id, if sent. */
  installationId?: string | null;
  /** How the operation arrived: over a graphql-ws socket, or an HTTP request (SSE for subscriptions). */
  transport?: 'ws' | 'http';
  /** What subscriptions listen to; absent where the server runs without live queries. */
  live?: LiveContext;
  /** Cloud functions as GraphQL calls them (callCloudCode, custom schema `@resolve`). */
  cloud?: CloudCalls;
  /** Cloud jobs (runJob); absent where the server runs without the job engine. */
  jobs?: CloudJobsApi;
  /** Push notifications (sendPush); absent where the server runs without them. */
  push?: PushApi;
  /**
   * Told of every class created, changed or deleted through this API, after the change (the
   * audit trail records the master key's schema changes; server/app.ts wires it).
   */
  schemaChanged?: SchemaChanged;
  /** File URLs as PLINTH_FILES_ACCESS hands them out, and deleteFile; absent where the server has no file storage. */
  fileAccess?: FileAccessContext;
  /** The files a multipart request uploaded (createFile, `{upload}` inputs); absent for other requests. */
  uploads?: RequestUploads;
}

export type { SchemaChanged } from '../core/schema-api.ts';

/** What GraphQL needs to link to and delete stored files (server/app.ts builds it over files/). */
export interface FileAccessContext {
  /** `FileInfo.url` of a stored name: `<publicUrl>/files/<appId>/<name>`, signed in objects mode. */
  url(name: string): string;
  /** Deletes a stored file with its triggers; false when there was none (the caller checks the master key). */
  remove(name: string, auth: Auth): Promise<boolean>;
  /** Where an unexpected failure of a deletion is reported (the client sees 153). */
  onDeleteFailure?(error: unknown): void;
}

/**
 * Runs cloud functions for GraphQL resolvers: as the request's caller (auth, headers,
 * installation id and `X-Parse-Cloud-Context` come from the GraphQL context), through the
 * function's validator, with the function's statistics and timeout.
 */
export interface CloudCalls {
  /** Resolves to the handler's own result (CloudObjects, Dates… as the handler returned them); 141 for an unknown function. */
  call(name: string, params: Record<string, unknown>, c: GraphQLContext): Promise<unknown>;
  /** A handler's result as Parse JSON, as callCloudCode answers it. */
  encode(result: unknown): unknown;
  /** Whether any cloud code is loaded: only then do requests carry their details (headers, context) for it. */
  active(): boolean;
  /** The cloud code in force with its statistics and job runs (the `cloudCode` query); the caller checks the master key. */
  describe?(): Promise<CloudCodeDescription>;
  /** Parse's Hooks API (functionHooks, createTriggerHook, …); each method checks the master key. */
  webhooks?: Webhooks;
}

/** The live-query machinery a subscription resolver uses (one per server, shared by requests). */
export interface LiveContext {
  /** Event streams per subscriber (`postEvents`). */
  events: LiveEvents;
  /** Every committed change and ended session (live result sets, `posts` on Subscription). */
  feed: ChangeFeed;
  /** How long a live result set waits to coalesce changes before re-running (default: its own). */
  resultDebounceMs?: number;
  /** A user's roles as they are now (live result sets re-resolve them after a role change). */
  rolesOf?: (userId: string) => Promise<readonly string[]>;
  /** Cloud code around subscriptions (beforeSubscribe, afterLiveQueryEvent). */
  hooks?: LiveHooks;
  /** Where an afterLiveQueryEvent failure is reported (the event is dropped for that subscriber). */
  onHookError?: (error: unknown) => void;
  /** Long-lived connections per client address, shared by every live transport (absent: SSE counts its own). */
  connections?: AddressSlots;
}
