import type { Logger } from '../../config/logger.ts';
import type { ExpoConfig } from '../../config/push.ts';
import { destroyAgents, type HttpAnswer, keepAliveAgents, mapLimited, networkError, post, retryResult } from './http.ts';
import { expoMessage } from './payload.ts';
import type { Delivery, DeliveryResult, PushProvider, SendOptions } from './types.ts';

/*
 * Expo's push service (React Native apps built with Expo): up to 100 messages per request, one
 * ticket per message in the same order. The optional access token is a fixed secret (Expo's
 * "enhanced security"): there is nothing to renew.
 */

export interface ExpoOptions {
  logger?: Logger;
  /** The clock, in ms since the epoch (Retry-After dates, expiration times). */
  now?: () => number;
  /** Requests in flight at once (default 6, as Expo asks of its clients). */
  concurrency?: number;
  /** How long a request may take before it counts as a network failure (default 10 s). */
  timeoutMs?: number;
}

/** Messages per request: Expo's limit. */
const MESSAGES_PER_REQUEST = 100;

/** An Expo push token, as the app's `getExpoPushTokenAsync` gives it. */
const EXPO_TOKEN = /^Expo(nent)?PushToken\[[^\]\s]{1,200}\]$/;

type Failure = Exclude<DeliveryResult, { status: 'sent' }>;

const safeCode = (code: unknown): string | undefined => (typeof code === 'string' && /^[A-Za-z_]{1,64}$/.test(code) ? code : undefined);

/** The error code of a request Expo refused as a whole (`errors[0].code`), or the HTTP status. */
function requestError(answer: HttpAnswer): string {
  try {
    const code = safeCode((JSON.parse(answer.body) as { errors?: Array<{ code?: unknown }> }).errors?.[0]?.code);
    if (code) return code;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${answer.status}`;
}

/** What a request that was not accepted means for every message in it. */
function wholeRequest(answer: HttpAnswer, now: number): Failure {
  const error = requestError(answer);
  if (answer.status === 429 || answer.status >= 500) {
    return retryResult(error, answer.headers['retry-after'], now);
  }
  return { status: 'failed', error };
}

/** One ticket's meaning: DeviceNotRegistered → gone, MessageRateExceeded → retry, any other error → failed. */
function ticketResult(ticket: unknown): DeliveryResult {
  const t = ticket as { status?: unknown; details?: { error?: unknown } } | null;
  if (t?.status === 'ok') return { status: 'sent' };
  const error = safeCode(t?.details?.error) ?? 'error';
  if (error === 'DeviceNotRegistered') return { status: 'gone', error };
  if (error === 'MessageRateExceeded') return { status: 'retry', error };
  return { status: 'failed', error };
}

/** The Expo provider for `config`; nothing connects until the first send. */
export function createExpoProvider(config: ExpoConfig, options: ExpoOptions = {}): PushProvider {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 6;
  const agents = keepAliveAgents(concurrency);
  const endpoint = new URL(config.url ?? 'https://exp.host/--/api/v2/push/send');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.accessToken) headers.authorization = `Bearer ${config.accessToken}`;
  let closed = false;

  /** Sends one request's messages; one result per message, in order. */
  async function sendRequest(messages: readonly Record<string, unknown>[]): Promise<DeliveryResult[]> {
    let answer: HttpAnswer;
    try {
      answer = await post(endpoint, headers, JSON.stringify(messages), agents, timeoutMs);
    } catch (error) {
      const failure: Failure = { status: 'retry', error: networkError(error) };
      return messages.map(() => failure);
    }
    if (answer.status !== 200) {
      const failure = wholeRequest(answer, now());
      return messages.map(() => failure);
    }
    let tickets: unknown;
    try {
      tickets = (JSON.parse(answer.body) as { data?: unknown }).data;
    } catch {
      tickets = undefined;
    }
    // One ticket per message, or the answer cannot be read: whether each went out is unknown.
    if (!Array.isArray(tickets) || tickets.length !== messages.length) return messages.map(() => ({ status: 'retry', error: 'unreadable answer' }));
    return tickets.map(ticketResult);
  }

  return {
    name: 'expo',
    async send(deliveries: readonly Delivery[], sendOptions: SendOptions): Promise<DeliveryResult[]> {
      if (closed) return deliveries.map(() => ({ status: 'retry', error: 'provider closed' }));
      const results = new Array<DeliveryResult>(deliveries.length);
      // Tokens Expo would refuse are answered here; the others go in requests of up to 100.
      const sendable: number[] = [];
      deliveries.forEach((delivery, i) => {
        if (EXPO_TOKEN.test(delivery.token)) sendable.push(i);
        else results[i] = { status: 'failed', error: 'invalid Expo push token' };
      });
      const groups: number[][] = [];
      for (let i = 0; i < sendable.length; i += MESSAGES_PER_REQUEST) groups.push(sendable.slice(i, i + MESSAGES_PER_REQUEST));
      const at = now();
      // Deliveries of one push share their data: translate it once for consecutive ones.
      let last: { data: unknown; message: Record<string, unknown> } | undefined;
      const messageOf = (delivery: Delivery) => {
        if (last?.data !== delivery.data) last = { data: delivery.data, message: expoMessage(delivery.data, { expiresAt: sendOptions.expiresAt, now: at }) };
        return { to: delivery.token, ...last.message };
      };
      await mapLimited(groups, concurrency, async (group) => {
        const answered = await sendRequest(group.map((i) => messageOf(deliveries[i]))).catch((error: unknown) => {
          options.logger?.error({ err: error }, 'Expo delivery failed unexpectedly');
          return group.map(() => ({ status: 'retry', error: 'internal error' }) as const);
        });
        group.forEach((i, k) => {
          results[i] = answered[k];
        });
      });
      return results;
    },
    async close() {
      closed = true;
      destroyAgents(agents);
    },
  };
}
