import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { OperationResult } from 'graphql-ws';
import type { Logger } from '../../config/logger.ts';
import type { AdminPrincipal, AdminSessionResolver } from '../types.ts';
import type { AdminContext } from './context.ts';

/** Close code for a socket whose dashboard session ended (logout, disabled or deleted admin). */
export const SESSION_ENDED = 4401;

interface Roots {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * graphql-ws for the dashboard (the live grid). An upgrade is checked before it is accepted
 * (`check`: the session cookie and the Origin, against cross-site WebSocket hijacking) and
 * refused with 401 otherwise; each operation runs through the admin Yoga's envelop (limits,
 * masking, the admin context) as that socket's principal.
 */
export function attachAdminWs(
  server: http.Server,
  yoga: YogaServerInstance<{ principal: AdminPrincipal }, AdminContext>,
  options: {
    path: string;
    check: (req: http.IncomingMessage) => Promise<AdminPrincipal | null>;
    ended: AdminSessionResolver['onEnded'];
    keepAliveMs: number;
    logger: Logger;
  },
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
  const principals = new WeakMap<object, AdminPrincipal>();
  const sockets = new Map<WebSocket, AdminPrincipal>();
  let closing = false;

  const stopWatching = options.ended((sessionIds) => {
    const ended = new Set(sessionIds);
    for (const [ws, principal] of sockets) if (ended.has(principal.sessionId)) ws.close(SESSION_ENDED, 'Session ended');
  });

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Other paths belong to other handlers (the public endpoint's graphql-ws).
    if (closing || pathOf(req.url) !== options.path) return;
    options.check(req).then(
      (principal) => {
        if (!principal) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          sockets.set(ws, principal);
          ws.once('close', () => sockets.delete(ws));
          wss.emit('connection', ws, req);
        });
      },
      (error) => {
        options.logger.error({ err: error }, 'could not check a dashboard WebSocket upgrade');
        socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      },
    );
  };
  server.on('upgrade', onUpgrade);

  useServer(
    {
      onConnect(ctx) {
        const principal = sockets.get(ctx.extra.socket);
        if (!principal) return false;
        principals.set(ctx, principal);
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const principal = principals.get(ctx);
        if (!principal) return [];
        const enveloped = yoga.getEnveloped({ principal, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
        const document = enveloped.parse(payload.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length) return errors;
        return {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } as Roots,
        };
      },
      execute: (args) => (args.rootValue as Roots).execute(args),
      subscribe: (args) => (args.rootValue as Roots).subscribe(args),
    },
    wss,
    options.keepAliveMs,
  );

  return {
    async close() {
      closing = true;
      stopWatching();
      server.off('upgrade', onUpgrade);
      const open = [...wss.clients];
      const closed = Promise.all(
        open.map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())))),
      );
      for (const ws of open) ws.close(1001, 'Server shutting down');
      const timer = setTimeout(() => {
        for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate();
      }, 2000);
      await closed;
      clearTimeout(timer);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
