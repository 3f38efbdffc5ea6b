import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import http2, { type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { rootCertificates } from 'node:tls';
import type { Logger } from '../../config/logger.ts';
import type { ApnsConfig } from '../../config/push.ts';
import { mapLimited, networkError, retryResult } from './http.ts';
import { type ApnsNotification, apnsNotification } from './payload.ts';
import type { Delivery, DeliveryResult, PushProvider, SendOptions } from './types.ts';

/*
 * Apple Push Notification service over HTTP/2 with token-based authentication: one long-lived
 * connection (opened again when it closes or the server sends GOAWAY), many requests at once on
 * it, one signed token reused for most of an hour.
 */

export interface ApnsOptions {
  logger?: Logger;
  /** The clock, in ms since the epoch; tests move it to age the token. */
  now?: () => number;
  /** Requests in flight at once (default 100); the server's own limit applies too. */
  maxStreams?: number;
  /** How long a request may wait for its answer before it counts as a network failure (default 10 s). */
  timeoutMs?: number;
}

/** Apple refuses a token older than an hour, and new tokens more often than every 20 minutes. */
const TOKEN_AGE_MS = 50 * 60_000;

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** The provider token: an ES256 JWT with the key's id and the team id, reused until it ages. */
class ProviderToken {
  private value = '';
  private issuedAt = 0;
  private readonly key: KeyObject;

  constructor(
    private readonly config: ApnsConfig,
    private readonly now: () => number,
  ) {
    this.key = createPrivateKey(config.key);
  }

  current(): string {
    if (!this.value || this.now() - this.issuedAt >= TOKEN_AGE_MS) this.issue();
    return this.value;
  }

  /** After APNs refused `used`: a new token, unless another request renewed it already. */
  renew(used: string): void {
    if (used === this.value) this.issue();
  }

  private issue(): void {
    this.issuedAt = this.now();
    const header = base64url(JSON.stringify({ alg: 'ES256', kid: this.config.keyId }));
    const claims = base64url(JSON.stringify({ iss: this.config.teamId, iat: Math.floor(this.issuedAt / 1000) }));
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: this.key, dsaEncoding: 'ieee-p1363' });
    this.value = `${header}.${claims}.${base64url(signature)}`;
  }
}

/** What came back for one request: the status and body, or why there was no answer. */
type Answer = { status: number; body: string; retryAfter?: string } | { error: string };

/** One request on `session`; resolves with the answer, never rejects. */
function post(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers);
    } catch (error) {
      resolve({ error: networkError(error) });
      return;
    }
    let status = 0;
    let retryAfter: string | undefined;
    let text = '';
    stream.setEncoding('utf8');
    stream.setTimeout(timeoutMs, () => {
      resolve({ error: 'timeout' });
      stream.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.on('response', (h) => {
      status = Number(h[':status']);
      retryAfter = h['retry-after'] as string | undefined;
    });
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    // The first of these settles the answer: a stream closed without an end was reset.
    stream.on('end', () => resolve(status ? { status, body: text, retryAfter } : { error: 'no response' }));
    stream.on('error', (error) => resolve({ error: networkError(error) }));
    stream.on('close', () => resolve({ error: 'stream reset' }));
    stream.end(body);
  });
}

/** APNs' reason (`BadDeviceToken`, `Unregistered`…), or the HTTP status when there is none. */
function reasonOf(answer: { status: number; body: string }): string {
  try {
    const reason = (JSON.parse(answer.body) as { reason?: unknown }).reason;
    if (typeof reason === 'string' && /^[A-Za-z]{1,64}$/.test(reason)) return reason;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${answer.status}`;
}

function resultOf(answer: Answer, now: number): DeliveryResult {
  if ('error' in answer) return { status: 'retry', error: answer.error };
  if (answer.status === 200) return { status: 'sent' };
  const error = reasonOf(answer);
  if (answer.status === 410) return { status: 'gone', error };
  if (answer.status === 429 || answer.status >= 500 || error === 'ExpiredProviderToken') {
    return retryResult(error, answer.retryAfter, now);
  }
  return { status: 'failed', error };
}

/**
 * The HTTP/2 connection to APNs: opened on first use and again after it closes or is told to go
 * away, with no more streams open at once than `maxStreams` and the server's own limit.
 */
class Connection {
  private session?: ClientHttp2Session;
  /** Settles when the current session has the server's settings, or has failed. */
  private ready: Promise<void> = Promise.resolve();
  /** Why a session failed (a short code), for the requests that waited for it. */
  private readonly failures = new WeakMap<ClientHttp2Session, string>();
  /** Sessions being pinged after a request timed out. */
  private readonly checking = new WeakSet<ClientHttp2Session>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: { url: string; ca?: string; maxStreams: number; timeoutMs: number; logger?: Logger }) {}

  /** A session with room for one more stream (`release()` when it is done), or why there is none. */
  async acquire(): Promise<{ session: ClientHttp2Session; error?: undefined } | { error: string }> {
    for (;;) {
      const session = this.current();
      await this.ready;
      if (session.closed || session.destroyed) return { error: this.failures.get(session) ?? 'connection closed' };
      const limit = Math.max(1, Math.min(this.options.maxStreams, session.remoteSettings?.maxConcurrentStreams ?? this.options.maxStreams));
      if (this.active < limit) {
        this.active++;
        session.ref();
        return { session };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * After a request got no answer in time: the connection may be dead without having closed (a
   * NAT forgot it). It is pinged, and dropped when the ping is not answered in time either.
   */
  check(session: ClientHttp2Session): void {
    if (this.checking.has(session) || session.closed || session.destroyed) return;
    this.checking.add(session);
    const drop = setTimeout(() => session.destroy(), this.options.timeoutMs).unref();
    const answered = (error: Error | null) => {
      clearTimeout(drop);
      this.checking.delete(session);
      if (error) session.destroy();
    };
    try {
      if (!session.ping(answered)) answered(new Error('ping not sent'));
    } catch (error) {
      answered(error as Error);
    }
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
    // An idle connection does not keep the process alive; one in use does.
    if (this.active === 0) this.session?.unref();
  }

  private current(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const { url, ca, timeoutMs, logger } = this.options;
    const session = http2.connect(url, ca ? { ca: [...rootCertificates, ca] } : {});
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    // After GOAWAY the session finishes its streams and closes; new requests go to a new one.
    session.on('goaway', forget);
    session.on('close', forget);
    session.on('error', (error) => {
      forget();
      this.failures.set(session, networkError(error));
      logger?.warn({ code: networkError(error), url }, 'APNs connection failed');
    });
    // A new limit (APNs raises it after the first request) lets the waiting requests look again.
    session.on('remoteSettings', () => {
      for (const wake of this.waiting.splice(0)) wake();
    });
    const timer = setTimeout(() => session.destroy(Object.assign(new Error('APNs did not answer'), { code: 'timeout' })), timeoutMs).unref();
    this.ready = new Promise<void>((resolve) => {
      const settle = () => {
        clearTimeout(timer);
        resolve();
      };
      session.once('remoteSettings', settle);
      session.once('close', settle);
    });
    this.session = session;
    return session;
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || session.closed) return;
    session.ref();
    await new Promise<void>((resolve) => session.close(() => resolve()));
  }
}

const DEVICE_TOKEN = /^[0-9a-fA-F]{8,512}$/;

/** The APNs provider for `config`; nothing connects until the first send. */
export function createApnsProvider(config: ApnsConfig, options: ApnsOptions = {}): PushProvider {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const token = new ProviderToken(config, now);
  const url = config.url ?? (config.production ? 'https://api.push.apple.com' : 'https://api.sandbox.push.apple.com');
  const maxStreams = options.maxStreams ?? 100;
  const connection = new Connection({ url, ca: config.ca, maxStreams, timeoutMs, logger: options.logger });
  let closed = false;

  async function deliver(delivery: Delivery, notification: ApnsNotification, body: string): Promise<DeliveryResult> {
    if (!DEVICE_TOKEN.test(delivery.token)) return { status: 'failed', error: 'BadDeviceToken' };
    const headers: OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': `/3/device/${delivery.token}`,
      'apns-topic': notification.topic,
      'apns-push-type': notification.pushType,
      'apns-priority': String(notification.priority),
      'content-type': 'application/json',
    };
    if (notification.expiration !== undefined) headers['apns-expiration'] = String(notification.expiration);
    if (notification.collapseId) headers['apns-collapse-id'] = notification.collapseId;
    if (notification.id) headers['apns-id'] = notification.id;
    for (let attempt = 0; ; attempt++) {
      const jwt = token.current();
      headers.authorization = `bearer ${jwt}`;
      const acquired = await connection.acquire();
      if (acquired.error !== undefined) return { status: 'retry', error: acquired.error };
      const answer = await post(acquired.session, headers, body, timeoutMs).finally(() => connection.release());
      if ('error' in answer && answer.error === 'timeout') connection.check(acquired.session);
      // A refused token is renewed once (by the first request that sees it) and the request sent again.
      if (attempt === 0 && 'status' in answer && answer.status === 403 && /ProviderToken/.test(answer.body)) {
        token.renew(jwt);
        continue;
      }
      return resultOf(answer, now());
    }
  }

  return {
    name: 'ios',
    async send(deliveries: readonly Delivery[], sendOptions: SendOptions): Promise<DeliveryResult[]> {
      if (closed) return deliveries.map(() => ({ status: 'retry', error: 'provider closed' }));
      // Deliveries of one push share their data: translate it once for consecutive ones.
      let last: { data: unknown; pushType?: string; notification: ApnsNotification; body: string } | undefined;
      return mapLimited(deliveries, maxStreams, (delivery) => {
        if (last?.data !== delivery.data || last.pushType !== delivery.pushType) {
          const notification = apnsNotification(delivery.data, {
            topic: config.topic,
            expiresAt: sendOptions.expiresAt,
            pushType: delivery.pushType,
            pushId: sendOptions.pushId,
          });
          last = { data: delivery.data, pushType: delivery.pushType, notification, body: JSON.stringify(notification.payload) };
        }
        return deliver(delivery, last.notification, last.body).catch((error: unknown) => {
          options.logger?.error({ err: error }, 'APNs delivery failed unexpectedly');
          return { status: 'retry', error: 'internal error' } as const;
        });
      });
    },
    async close() {
      closed = true;
      await connection.close();
    },
  };
}
