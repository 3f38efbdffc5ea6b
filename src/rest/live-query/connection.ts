import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { REFUSED_APP_ID, secretEquals } from '../../auth/index.ts';
import { ErrorCode, ParseError, errors } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import type { LiveEvent } from '../../live/index.ts';
import type { LiveQueryContext } from './context.ts';
import { eventPush, type EventShape } from './events.ts';
import { readClientMessage, type ConnectMessage, type SubscribeMessage, type UnsubscribeMessage } from './messages.ts';
import { errorFrame, pushFrame, type Push } from './replies.ts';
import { openSubscription } from './subscription.ts';

/** Close code of a connection refused or ended (its session): the reason is the error, in Parse's JSON. */
export const REFUSED_CLOSE = 4403;
/** How long a connection whose session ended waits for its subscriptions to report it before it closes. */
const DRAIN_MS = 1000;
const KEY_INVALID = 'Key in request is not valid';

interface Running {
  events: AsyncIterableIterator<LiveEvent>;
  shape: EventShape;
}

/** A close reason within WebSocket's 123 bytes. */
function closeReason(code: number, error: string): string {
  const reason = JSON.stringify({ code, error });
  return Buffer.byteLength(reason) <= 123 ? reason : JSON.stringify({ code, error: 'refused' });
}

/**
 * One LiveQuery WebSocket: its client (after `connect`), who it is, and its subscriptions by
 * requestId, each pumping the engine's events to the socket. Messages are handled one at a
 * time, in order (an `unsubscribe` never overtakes its `subscribe`). The connection's session is
 * read again for each subscription that uses it, as each HTTP request's is.
 */
export class LiveQueryConnection {
  private clientId: string | undefined;
  private auth: Auth | undefined;
  private sessionToken: string | undefined;
  private installationId: string | undefined;
  private readonly running = new Map<number, Running>();
  private queue: Promise<void> = Promise.resolve();
  private ending = false;
  private drain: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly ip: string | undefined,
    private readonly ctx: LiveQueryContext,
  ) {}

  /** The Auth of the `connect` (undefined before it). */
  get connectedAs(): Auth | undefined {
    return this.auth;
  }

  get subscriptionCount(): number {
    return this.running.size;
  }

  receive(frame: string): void {
    this.queue = this.queue.then(() => this.handle(frame)).catch((error) => this.ctx.logger?.error({ err: error }, 'LiveQuery: a message failed'));
  }

  /** The socket closed: every subscription ends. */
  closed(): void {
    clearTimeout(this.drain);
    for (const sub of this.running.values()) void sub.events.return?.();
    this.running.clear();
  }

  /**
   * The connection's session ended (logOut, revocation, expiry): its subscriptions get their
   * 209 from the engine, then the connection is told and closed.
   */
  endSession(): void {
    if (this.ending) return;
    this.ending = true;
    if (this.running.size === 0) {
      this.closeEnded();
      return;
    }
    this.drain = setTimeout(() => this.closeEnded(), DRAIN_MS);
    this.drain.unref();
  }

  private closeEnded(): void {
    clearTimeout(this.drain);
    this.send(errorFrame(ErrorCode.INVALID_SESSION_TOKEN, 'Invalid session token', false));
    this.socket.close(REFUSED_CLOSE, closeReason(ErrorCode.INVALID_SESSION_TOKEN, 'Invalid session token'));
  }

  private async handle(frame: string): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const message = readClientMessage(frame);
    if ('invalid' in message) return this.send(errorFrame(1, message.invalid, true));
    if (message.op === 'connect') return this.connect(message);
    if (!this.clientId) {
      const doing = message.op === 'unsubscribe' ? 'unsubscribing' : 'subscribing';
      return this.send(errorFrame(2, `Can not find this client, make sure you connect to server before ${doing}`, true));
    }
    if (message.op === 'unsubscribe') return this.unsubscribe(message);
    return this.subscribe(message);
  }

  /** Refuses the connect: the client is told why, and the socket closes. */
  private refuse(code: number, error: string, reconnect = false): void {
    this.send(errorFrame(code, error, reconnect));
    this.socket.close(REFUSED_CLOSE, closeReason(code, error));
  }

  private async connect(message: ConnectMessage): Promise<void> {
    if (this.clientId) return this.send(errorFrame(1, 'This client is already connected', false));
    const { ctx } = this;
    const result = await ctx.authenticate({ appId: message.applicationId, masterKey: message.masterKey, sessionToken: message.sessionToken, ip: this.ip });
    // A wrong application id is a wrong key, as for Parse's key pairs.
    if (result === REFUSED_APP_ID) return this.refuse(4, KEY_INVALID);
    if (result.refused) {
      if (result.status >= 500) ctx.logger?.error({ err: result.cause }, 'LiveQuery: could not resolve the credentials of a connect');
      return this.refuse(result.code ?? ErrorCode.INTERNAL_SERVER_ERROR, result.error, result.status >= 500);
    }
    const auth = result.auth;
    if (!auth.isMaster && ctx.clientKeys.length > 0) {
      const given = [message.javascriptKey, message.restAPIKey, message.clientKey, message.windowsKey].filter((k): k is string => !!k);
      if (!given.some((k) => ctx.clientKeys.some((c) => secretEquals(k, c)))) return this.refuse(4, KEY_INVALID);
    }
    const sessionToken = auth.isMaster ? undefined : message.sessionToken?.trim() || undefined;
    const connected = this.withRequest(auth, message.installationId);
    if (ctx.hooks) {
      try {
        await ctx.hooks.beforeConnect({ auth: connected, sessionToken, installationId: message.installationId });
      } catch (error) {
        const { code, message: text } = this.wireError(error, 'beforeConnect failed');
        return this.refuse(code, text);
      }
    }
    // Gone while its credentials were checked.
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.auth = connected;
    this.sessionToken = sessionToken;
    this.installationId = message.installationId;
    this.clientId = randomUUID();
    this.push({ op: 'connected' });
  }

  private async subscribe(message: SubscribeMessage): Promise<void> {
    const { requestId } = message;
    if (this.ending) return this.send(errorFrame(ErrorCode.INVALID_SESSION_TOKEN, 'Invalid session token', false, requestId));
    // The same requestId again replaces the subscription (`update` does it on purpose).
    this.stop(requestId);
    const max = this.ctx.limits.maxSubscriptionsPerConnection;
    if (this.running.size >= max) {
      return this.send(errorFrame(ErrorCode.REQUEST_LIMIT_EXCEEDED, `Too many subscriptions on this connection (at most ${max}).`, false, requestId));
    }
    try {
      const auth = await this.subscriberAuth(message.sessionToken);
      const opened = await openSubscription(this.ctx, auth, message.query);
      if (this.socket.readyState !== this.socket.OPEN || this.ending) {
        void opened.events.return?.();
        return;
      }
      this.running.set(requestId, opened);
      this.push({ op: 'subscribed', requestId });
      void this.pump(requestId, opened);
    } catch (error) {
      const { code, message: text } = this.wireError(error, 'LiveQuery: a subscription failed to start');
      this.send(errorFrame(code, text, false, requestId));
    }
  }

  private unsubscribe({ requestId }: UnsubscribeMessage): void {
    if (!this.stop(requestId)) {
      this.send(
        errorFrame(
          2,
          `Cannot find subscription with clientId ${this.clientId} subscriptionId ${requestId}. Make sure you subscribe to live query server before unsubscribing.`,
          true,
        ),
      );
      return;
    }
    this.push({ op: 'unsubscribed', requestId });
  }

  private stop(requestId: number): boolean {
    const sub = this.running.get(requestId);
    if (!sub) return false;
    this.running.delete(requestId);
    void sub.events.return?.();
    return true;
  }

  /**
   * Who a subscription decides with: the master key's connection is master; else the
   * subscription's own session token, else the connection's (read again now: its roles may
   * have changed, it may have ended). An unknown token is 209, never anonymous.
   */
  private async subscriberAuth(token: string | undefined): Promise<Auth> {
    const auth = this.auth!;
    if (auth.isMaster) return auth;
    const own = token?.trim();
    if (own) {
      const resolved = await this.ctx.sessions.resolve(own);
      if (!resolved) throw errors.invalidSessionToken();
      return this.withRequest(resolved, this.installationId);
    }
    if (!this.sessionToken) return auth;
    const resolved = await this.ctx.sessions.resolve(this.sessionToken);
    if (!resolved) {
      this.endSession();
      throw errors.invalidSessionToken();
    }
    this.auth = this.withRequest(resolved, this.installationId);
    return this.auth;
  }

  /** Sends a subscription's events as they come, each after the previous one left (a slow client fills the engine's queue and is dropped with 155). */
  private async pump(requestId: number, sub: Running): Promise<void> {
    for (;;) {
      let next: IteratorResult<LiveEvent>;
      try {
        next = await sub.events.next();
      } catch (error) {
        if (this.running.get(requestId) === sub) this.running.delete(requestId);
        const { code, message } = this.wireError(error, 'LiveQuery: a subscription failed');
        this.send(errorFrame(code, message, false, requestId));
        if (this.ending && this.running.size === 0) this.closeEnded();
        return;
      }
      if (next.done || this.running.get(requestId) !== sub) return;
      const push = eventPush(next.value, requestId, sub.shape);
      if (push) await this.sendAndWait(pushFrame(push, this.clientId!, this.installationId));
    }
  }

  private withRequest(auth: Auth, installationId: string | undefined): Auth {
    return auth.withRequest({ ip: this.ip, installationId, context: {}, cache: new Map() });
  }

  /** A failure as the client sees it: a ParseError as is, anything else logged and masked. */
  private wireError(error: unknown, log: string): { code: number; message: string } {
    if (error instanceof ParseError) return { code: error.code, message: error.message };
    this.ctx.logger?.error({ err: error }, log);
    return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }

  private push(push: Push): void {
    this.send(pushFrame(push, this.clientId!, this.installationId));
  }

  private send(frame: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  }

  private sendAndWait(frame: string): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.socket.send(frame, () => resolve()));
  }
}
