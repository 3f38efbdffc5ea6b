import type http from 'node:http';
import { closeSockets } from '../live/close-sockets.ts';
import { AddressSlots } from '../live/index.ts';
import type { Duplex } from 'node:stream';
import { getOperationAST, type ExecutionArgs, type GraphQLError } from 'graphql';
import { createGraphQLError, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { Context, OperationResult } from 'graphql-ws';
import type { LiveConfig } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import { ErrorCode, ParseError } from '../errors/index.ts';
import type { GraphQLContext } from '../graphql/index.ts';
import type { SessionResolver } from '../auth/index.ts';
import type { ChangeFeed } from '../live/index.ts';
import type { LiveHooks } from '../live/cloud-hooks.ts';
import { endsSessionOf } from '../live/results/index.ts';
import { contextSeed, type SocketContext } from './yoga.ts';
import { paramsError, type Limits } from './plugins/use-limits.ts';
import { connectionAuth, closeReason, WS_REFUSED } from './ws-auth.ts';
import { WsConnection } from './ws-connection.ts';
import { refusalError, type TrustedDocuments } from './plugins/use-trusted-documents.ts';

export interface GraphQLWsOptions {
  /** The GraphQL path; upgrades to any other path are refused. */
  path: string;
  appId: string;
  masterKey: string;
  masterKeyIps?: readonly string[];
  sessions: SessionResolver;
  /** The HTTP endpoint's Yoga: operations run through its plugins (auth context, limits, masking). */
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  limits: Pick<LiveConfig, 'maxSubscriptionsPerConnection' | 'maxConnectionsPerIp' | 'keepAliveMs'>;
  /** The per-address budget shared with the other live transports (absent: this server's own). */
  connections?: AddressSlots;
  /** The document limits of HTTP requests that run before parsing (Yoga's onParams does not run here). */
  documentLimits: Pick<Limits, 'maxNesting' | 'maxInputDepth' | 'maxDocumentBytes'>;
  /** Ended sessions (logOut, revocation, expiry): connections opened with them are closed. */
  sessionsEnded?: Pick<ChangeFeed, 'onSessionsEnded'>;
  /** Cloud code's beforeConnect: throws to refuse the connection (closed with 4403 and its error). */
  beforeConnect?: LiveHooks['beforeConnect'];
  logger?: Logger;
  /** PLINTH_TRUSTED_DOCUMENTS: an operation's document is resolved and checked as over HTTP. */
  trustedDocuments?: TrustedDocuments;
}

export interface GraphQLWsServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /**
   * Closes every connection (1001 "Server shutting down"; their subscriptions end), cutting
   * those that do not answer within `graceMs`, and refuses new upgrades.
   */
  close(graceMs?: number): Promise<void>;
}

/** Close code for a connection over the per-address limit (graphql-ws leaves 4400–4499 to apps). */
export const TOO_MANY_CONNECTIONS = 4429;

/**
 * graphql-ws (the `graphql-transport-ws` protocol) on the HTTP server's GraphQL path. The
 * connection's credentials come from `connectionParams` (server/ws-auth.ts); each operation
 * runs through the same Yoga instance as HTTP requests (Yoga's getEnveloped), so validation
 * rules, the context and error masking are the same. Limits: connections per client address
 * (the upgrade is accepted, then closed with 4429) and subscriptions per connection (the
 * subscription gets a GraphQL error with code 155).
 */
export function attachGraphQLWs(server: http.Server, options: GraphQLWsOptions): GraphQLWsServer {
  const { limits, logger } = options;
  const wss = new WebSocketServer({ noServer: true });
  const slots = options.connections ?? new AddressSlots(limits.maxConnectionsPerIp);
  const connections = new Map<object, WsConnection>();
  let closing = false;
  const stopWatching = options.sessionsEnded?.onSessionsEnded((ended) => {
    for (const c of connections.values()) if (endsSessionOf(c.auth, ended)) c.endSession();
  });

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing || pathOf(req.url) !== trimSlash(options.path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ip = req.socket.remoteAddress ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => {
      const release = slots.take(ip);
      if (!release) {
        logger?.warn({ ip, limit: slots.maxPerAddress }, 'WebSocket connection refused: too many from this address');
        ws.close(TOO_MANY_CONNECTIONS, closeReason(ErrorCode.REQUEST_LIMIT_EXCEEDED, 'Too many connections from this address'));
        return;
      }
      ws.once('close', release);
      wss.emit('connection', ws, req);
    });
  };
  server.on('upgrade', onUpgrade);

  useServer<Record<string, unknown>, Record<PropertyKey, never>>(
    {
      async onConnect(ctx) {
        const { request, socket } = ctx.extra;
        const result = await connectionAuth(ctx.connectionParams, request.socket.remoteAddress, options);
        if ('refused' in result) {
          if (result.refused !== WS_REFUSED.appId) logger?.info({ reason: result.refused }, 'WebSocket connection refused');
          // The reason first (the close code stays graphql-ws's 4403 Forbidden); the library's own close then does nothing.
          socket.close(4403, result.refused);
          return false;
        }
        if (options.beforeConnect) {
          try {
            const ip = request.socket.remoteAddress;
            const auth = result.auth.withRequest({
              ip,
              headers: new Headers(result.headers),
              installationId: result.installationId,
              context: {},
              cache: new Map(),
            });
            await options.beforeConnect({ auth, sessionToken: result.sessionToken, installationId: result.installationId });
          } catch (error) {
            const refused =
              error instanceof ParseError ? closeReason(error.code, error.message) : closeReason(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
            socket.close(4403, refused);
            return false;
          }
        }
        // Gone while its credentials were checked: onClose has run already, nothing to keep.
        if (socket.readyState !== socket.OPEN) return false;
        const url = `http://${request.headers.host ?? 'localhost'}${options.path}`;
        connections.set(
          ctx,
          new WsConnection(
            socket,
            result.auth,
            new Request(url, { headers: result.headers }),
            result.sessionToken,
            request.socket.remoteAddress,
            result.installationId,
          ),
        );
        return true;
      },
      async onSubscribe(ctx, id, payload) {
        try {
          return await prepare(ctx, id, payload);
        } catch (error) {
          connections.get(ctx)?.completed(id);
          logger?.error({ err: error }, 'could not start a graphql-ws operation');
          return [createGraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })];
        }
      },
      onComplete(ctx, id) {
        connections.get(ctx)?.completed(id);
      },
      onClose(ctx) {
        connections.get(ctx)?.closed();
        connections.delete(ctx);
      },
      execute: (args) => (args.rootValue as Roots).execute(args),
      subscribe: (args) => (args.rootValue as Roots).subscribe(args),
    },
    wss,
    limits.keepAliveMs,
  );

  /** The execution arguments of one operation, through Yoga's envelop; errors go back to this operation only. */
  async function prepare(
    ctx: Context<Record<string, unknown>, Extra>,
    id: string,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const connection = connections.get(ctx)!;
    const auth = await connection.authNow(options.sessions);
    if (!auth) return [createGraphQLError('Invalid session token', { extensions: { code: ErrorCode.INVALID_SESSION_TOKEN } })];
    // graphql-ws requires a `query` string: a persisted operation sends "" with its id.
    const trusted = options.trustedDocuments?.resolve(payload as typeof payload & { documentId?: unknown }, auth.isMaster);
    if (trusted && 'refused' in trusted) return [refusalError(trusted.refused, false)];
    if (trusted) payload = { ...payload, query: trusted.query };
    const socketContext: SocketContext = { socketAuth: auth, clientIp: connection.clientIp, installationId: connection.installationId };
    const enveloped = options.yoga.getEnveloped(
      contextSeed({ ...socketContext, request: connection.request, req: ctx.extra.request, socket: ctx.extra.socket, params: payload }),
    );
    const tooDeep = paramsError(payload, options.documentLimits);
    if (tooDeep) return [tooDeep];
    let document: ReturnType<typeof enveloped.parse>;
    try {
      document = enveloped.parse(payload.query);
    } catch (error) {
      return [asGraphQLError(error)];
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length) return errors;
    if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
      if (connection.subscriptions.size >= limits.maxSubscriptionsPerConnection) {
        return [
          createGraphQLError(`Too many subscriptions on this connection (at most ${limits.maxSubscriptionsPerConnection}).`, {
            extensions: { code: ErrorCode.REQUEST_LIMIT_EXCEEDED },
          }),
        ];
      }
      connection.subscriptions.add(id);
    }
    return {
      schema: enveloped.schema,
      operationName: payload.operationName,
      document,
      variableValues: payload.variables,
      contextValue: await enveloped.contextFactory(),
      rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } as Roots,
    };
  }

  return {
    get connections() {
      return wss.clients.size;
    },
    async close(graceMs = 2000) {
      closing = true;
      stopWatching?.();
      server.off('upgrade', onUpgrade);
      await closeSockets(wss, graceMs);
    },
  };
}

interface Roots {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function pathOf(url: string | undefined): string {
  return trimSlash((url ?? '/').split('?')[0]!);
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof Error && (error as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'GraphQLError') return error as GraphQLError;
  return createGraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code: ErrorCode.INVALID_QUERY } });
}

export type { WebSocket };
