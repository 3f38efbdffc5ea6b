/*
 * Web Push (RFC 8030) to browsers' push services, authenticated with VAPID (RFC 8292), the
 * payload encrypted with aes128gcm (RFC 8291). The encryption and the VAPID JWT come from the
 * `web-push` package: well kept, the reference Node implementation of both, on node:crypto.
 * Its own sender is not used: it opens a connection per request and speaks only https, so the
 * requests it prepares go out over kept-alive connections here (and over http to test servers).
 */
import webpush, { type PushSubscription } from 'web-push';
import type { Logger } from '../../config/logger.ts';
import type { WebPushConfig } from '../../config/push.ts';
import { type HttpAnswer, destroyAgents, keepAliveAgents, mapLimited, networkError, post, retryResult } from './http.ts';
import { ttlSeconds, webPushPayload } from './payload.ts';
import { NOT_PUBLIC, publicOnlyAgents, type Resolver } from './public-address.ts';
import type { Delivery, DeliveryResult, PushProvider, SendOptions } from './types.ts';

export interface WebPushOptions {
  logger?: Logger;
  /** The clock, in ms since the epoch. */
  now?: () => number;
  /** Requests in flight at once (default 50). */
  concurrency?: number;
  /** How long a request may take before it counts as a network failure (default 10 s). */
  timeoutMs?: number;
  /** Resolves endpoints' host names (default: the system's resolver, dns.lookup); tests inject one. */
  lookup?: Resolver;
}

/** A VAPID JWT is valid 12 hours at most here (push services take up to 24) and reused for one. */
const VAPID_LIFETIME_S = 12 * 60 * 60;
const VAPID_REUSE_MS = 60 * 60_000;

/**
 * Whether the server may POST to a subscription's endpoint. Clients write the endpoint (it is
 * their installation's deviceToken), so by default only https endpoints are reached, and only at
 * public addresses — real push services are there — so that the server cannot be aimed at its
 * own network: the address is checked when the connection is made (public-address.ts), names
 * once resolved. `allowLocal` (test push services) allows http and any address.
 */
function endpointAllowed(endpoint: string, allowLocal: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (allowLocal && url.protocol === 'http:');
}

/** The installation's deviceToken: the browser's PushSubscription as JSON text. */
function subscriptionOf(token: string, allowLocal: boolean): PushSubscription | undefined {
  try {
    const parsed = JSON.parse(token) as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
    const { endpoint, keys } = parsed ?? {};
    if (typeof endpoint !== 'string' || !endpointAllowed(endpoint, allowLocal)) return undefined;
    if (typeof keys?.p256dh !== 'string' || typeof keys.auth !== 'string') return undefined;
    return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
  } catch {
    return undefined;
  }
}

function resultOf(answer: HttpAnswer, now: number): DeliveryResult {
  if (answer.status >= 200 && answer.status < 300) return { status: 'sent' };
  const error = `HTTP ${answer.status}`;
  if (answer.status === 404 || answer.status === 410) return { status: 'gone', error };
  if (answer.status === 429 || answer.status >= 500) {
    return retryResult(error, answer.headers['retry-after'], now);
  }
  return { status: 'failed', error };
}

/** What a Web Push Topic header may hold (RFC 8030: up to 32 URL-safe base64 characters). */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** The Web Push provider for `config`'s VAPID keys. */
export function createWebPushProvider(config: WebPushConfig, options: WebPushOptions = {}): PushProvider {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 50;
  const allowLocal = config.allowLocalEndpoints === true;
  const agents = allowLocal ? keepAliveAgents(concurrency) : publicOnlyAgents(concurrency, options.lookup);
  const vapid = new Map<string, { header: string; renewAt: number }>();
  let closed = false;

  /** The Authorization header for a push service (one per origin), signed at most once an hour. */
  function authorization(origin: string): string {
    const cached = vapid.get(origin);
    if (cached && now() < cached.renewAt) return cached.header;
    const expiration = Math.floor(now() / 1000) + VAPID_LIFETIME_S;
    const header = webpush.getVapidHeaders(origin, config.subject, config.publicKey, config.privateKey, 'aes128gcm', expiration).Authorization;
    vapid.set(origin, { header, renewAt: now() + VAPID_REUSE_MS });
    return header;
  }

  async function deliver(delivery: Delivery, payload: string, ttl: number, topic: string | undefined): Promise<DeliveryResult> {
    const subscription = subscriptionOf(delivery.token, allowLocal);
    if (!subscription) return { status: 'failed', error: 'invalid subscription' };
    const url = new URL(subscription.endpoint);
    let request: webpush.RequestDetails;
    try {
      const headers = { Authorization: authorization(url.origin) };
      request = webpush.generateRequestDetails(subscription, payload, { TTL: ttl, headers, ...(topic ? { topic } : {}) });
    } catch {
      // The browser's keys are not a P-256 point and a 16-byte secret.
      return { status: 'failed', error: 'invalid subscription' };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (name !== 'Content-Length') headers[name] = String(value);
    try {
      return resultOf(await post(url, headers, request.body ?? '', agents, timeoutMs), now());
    } catch (error) {
      const code = networkError(error);
      // Aimed at a non-public address (its text, or what its name resolves to): never reached, not tried again.
      if (code === NOT_PUBLIC) return { status: 'failed', error: 'endpoint is not at a public address' };
      return { status: 'retry', error: code };
    }
  }

  return {
    name: 'web',
    async send(deliveries: readonly Delivery[], sendOptions: SendOptions): Promise<DeliveryResult[]> {
      if (closed) return deliveries.map(() => ({ status: 'retry', error: 'provider closed' }));
      const ttl = ttlSeconds(sendOptions.expiresAt, now());
      // Deliveries of one push share their data: translate it once for consecutive ones.
      let last: { data: unknown; payload: string; topic?: string } | undefined;
      return mapLimited(deliveries, concurrency, (delivery) => {
        if (last?.data !== delivery.data) {
          // Web Push's Topic replaces a pending message with the same one, as APNs' collapse id
          // does: the data's collapse id, else the push's id, so that a copy sent again after a
          // crash mid-send replaces its twin while it waits (see apnsNotification).
          const collapse = delivery.data.collapseId ?? delivery.data.collapse_id ?? sendOptions.pushId;
          const topic = typeof collapse === 'string' && TOPIC.test(collapse) ? collapse : undefined;
          last = { data: delivery.data, payload: webPushPayload(delivery.data), topic };
        }
        return deliver(delivery, last.payload, ttl, last.topic).catch((error: unknown) => {
          options.logger?.error({ err: error }, 'Web Push delivery failed unexpectedly');
          return { status: 'retry', error: 'internal error' } as const;
        });
      });
    },
    async close() {
      closed = true;
      destroyAgents(agents);
    },
  };
}
