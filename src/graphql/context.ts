import type { Auth } from '../security/index.ts';
import type { Core } from '../core/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import type { Loaders } from './loaders.ts';
import type { Accounts, EmailFlows } from '../auth/index.ts';
import type { ChangeFeed, LiveEvents } from '../live/types.ts';

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
}
