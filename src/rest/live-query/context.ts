import type { LiveConfig } from '../../config/index.ts';
import type { AddressSlots } from '../../live/index.ts';
import type { Logger } from '../../config/logger.ts';
import { requestAuthenticator, type RequestAuthResult, type RequestCredentials, type SessionResolver } from '../../auth/index.ts';
import type { ChangeFeed, LiveEvents } from '../../live/index.ts';
import type { LiveHooks } from '../../live/cloud-hooks.ts';
import type { SchemaStore } from '../../schema/index.ts';
import type { EncodeContext } from '../codec/encode.ts';

/** What the LiveQuery server is given: the same credential rules, live engine and hooks as graphql-ws. */
export interface LiveQueryOptions {
  /** The REST mount (`/parse`): the SDK's default LiveQuery URL is the REST URL with ws://. */
  path: string;
  appId: string;
  masterKey: string;
  masterKeyIps?: readonly string[];
  /** Parse's client keys configured (REST API, JavaScript, client, .NET): when any is, a connect without the master key must carry one. */
  clientKeys: readonly string[];
  sessions: SessionResolver;
  /** The live engine (the hub GraphQL subscriptions use). */
  events: LiveEvents;
  /** Ended sessions (logOut, revocation, expiry): connections opened with them are closed. */
  sessionsEnded?: Pick<ChangeFeed, 'onSessionsEnded'>;
  schema: SchemaStore;
  /** A stored file's URL as clients get it. */
  fileUrl(name: string): string;
  /** Cloud code's beforeConnect, beforeSubscribe and afterLiveQueryEvent. */
  hooks?: LiveHooks;
  onHookError?: (error: unknown) => void;
  limits: Pick<LiveConfig, 'maxSubscriptionsPerConnection' | 'maxConnectionsPerIp' | 'keepAliveMs'>;
  /** The per-address budget shared with graphql-ws and SSE subscriptions (absent: this server's own). */
  connections?: AddressSlots;
  /** The largest frame a client may send (larger ones close the connection with 1009). */
  maxMessageBytes?: number;
  logger?: Logger;
}

/** The options with what every connection derives from them once. */
export interface LiveQueryContext extends LiveQueryOptions {
  authenticate(credentials: RequestCredentials): Promise<RequestAuthResult>;
  encode: EncodeContext;
}

export function liveQueryContext(options: LiveQueryOptions): LiveQueryContext {
  const { schema, fileUrl } = options;
  return {
    ...options,
    authenticate: requestAuthenticator(options),
    encode: {
      get classes() {
        return schema.current.classes;
      },
      fileUrl,
    },
  };
}
