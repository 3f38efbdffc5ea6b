import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Logger } from '../../config/logger.ts';
import type { FcmConfig } from '../../config/push.ts';
import { type Agents, destroyAgents, type HttpAnswer, keepAliveAgents, mapLimited, networkError, post, retryResult } from './http.ts';
import { fcmMessage } from './payload.ts';
import type { Delivery, DeliveryResult, PushProvider, SendOptions } from './types.ts';

/*
 * Firebase Cloud Messaging HTTP v1: the service account's signed assertion is exchanged for an
 * OAuth access token (kept until shortly before it expires), then one `messages:send` request
 * per device over kept-alive connections, a bounded number at once.
 */

export interface FcmOptions {
  logger?: Logger;
  /** The clock, in ms since the epoch; tests move it to expire the access token. */
  now?: () => number;
  /** Requests in flight at once (default 50). */
  concurrency?: number;
  /** How long a request may take before it counts as a network failure (default 10 s). */
  timeoutMs?: number;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** Why no access token could be had: refused (the credentials are wrong) or unreachable (try later). */
class TokenError extends Error {
  constructor(readonly result: Exclude<DeliveryResult, { status: 'sent' }>) {
    super(result.error);
  }
}

/** The OAuth access token: fetched once for all the requests that need it, renewed before it expires. */
class AccessToken {
  private cached?: { value: string; renewAt: number };
  private pending?: Promise<string>;
  private readonly key: KeyObject;
  private readonly url: URL;

  constructor(
    private readonly config: FcmConfig,
    private readonly agents: Agents,
    private readonly now: () => number,
    private readonly timeoutMs: number,
  ) {
    this.key = createPrivateKey(config.privateKey);
    this.url = new URL(config.tokenUrl ?? 'https://oauth2.googleapis.com/token');
  }

  /** The current token; rejects with a TokenError. */
  get(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return Promise.resolve(this.cached.value);
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** After FCM refused `used`: forget it, unless it was renewed already. */
  expire(used: string): void {
    if (this.cached?.value === used) this.cached = undefined;
  }

  private async request(): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(this.config.clientEmail)
      .setAudience(this.url.href)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(this.key);
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    let answer: HttpAnswer;
    try {
      answer = await post(this.url, { 'content-type': 'application/x-www-form-urlencoded' }, form, this.agents, this.timeoutMs);
    } catch (error) {
      throw new TokenError({ status: 'retry', error: `OAuth ${networkError(error)}` });
    }
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(answer.body);
    } catch {
      // reported below by its status
    }
    if (answer.status !== 200 || typeof body.access_token !== 'string') {
      const error = `OAuth ${typeof body.error === 'string' && /^[a-z_]{1,64}$/.test(body.error) ? body.error : `HTTP ${answer.status}`}`;
      // Refused credentials stay refused; an overloaded or unreachable endpoint may answer later.
      const refused = answer.status >= 400 && answer.status < 500 && answer.status !== 429;
      throw new TokenError(refused ? { status: 'failed', error } : { status: 'retry', error });
    }
    const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600;
    // Renewed five minutes before it expires (halfway through, for a short-lived one).
    this.cached = { value: body.access_token, renewAt: this.now() + (lifetime - Math.min(300, lifetime / 2)) * 1000 };
    return body.access_token;
  }
}

/** FCM's error code (`UNREGISTERED`, `INVALID_ARGUMENT`…) from an error answer, or the HTTP status. */
function errorCode(answer: HttpAnswer): string {
  try {
    const error = (JSON.parse(answer.body) as { error?: { status?: unknown; details?: Array<{ errorCode?: unknown }> } }).error;
    const code = error?.details?.find((d) => typeof d?.errorCode === 'string')?.errorCode ?? error?.status;
    if (typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code)) return code;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${answer.status}`;
}

function resultOf(answer: HttpAnswer, now: number): DeliveryResult {
  if (answer.status >= 200 && answer.status < 300) return { status: 'sent' };
  const error = errorCode(answer);
  // Only FCM's own word says the token is gone: a bare 404 may be a wrong project id, for every device.
  if (error === 'UNREGISTERED') return { status: 'gone', error };
  if (answer.status === 401 || answer.status === 429 || answer.status >= 500) {
    return retryResult(error, answer.headers['retry-after'], now);
  }
  return { status: 'failed', error };
}

/** The FCM provider for `config`; the first send asks for the access token. */
export function createFcmProvider(config: FcmConfig, options: FcmOptions = {}): PushProvider {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 50;
  const agents = keepAliveAgents(concurrency);
  const tokens = new AccessToken(config, agents, now, timeoutMs);
  const endpoint = new URL(`${config.url ?? 'https://fcm.googleapis.com'}/v1/projects/${encodeURIComponent(config.projectId)}/messages:send`);
  let closed = false;

  async function send(accessToken: string, body: string): Promise<DeliveryResult | 'unauthorized'> {
    try {
      const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
      const answer = await post(endpoint, headers, body, agents, timeoutMs);
      return answer.status === 401 ? 'unauthorized' : resultOf(answer, now());
    } catch (error) {
      return { status: 'retry', error: networkError(error) };
    }
  }

  async function deliver(body: string): Promise<DeliveryResult> {
    try {
      const accessToken = await tokens.get();
      const answer = await send(accessToken, body);
      if (answer !== 'unauthorized') return answer;
      // A refused access token is renewed once (by the first request that sees it) and the message sent again.
      tokens.expire(accessToken);
      const again = await send(await tokens.get(), body);
      return again === 'unauthorized' ? { status: 'retry', error: 'UNAUTHENTICATED' } : again;
    } catch (error) {
      if (error instanceof TokenError) return error.result;
      throw error;
    }
  }

  return {
    name: 'android',
    async send(deliveries: readonly Delivery[], sendOptions: SendOptions): Promise<DeliveryResult[]> {
      if (closed) return deliveries.map(() => ({ status: 'retry', error: 'provider closed' }));
      if (deliveries.length === 0) return [];
      // Without an access token nothing can be sent: one answer for the whole batch.
      try {
        await tokens.get();
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        options.logger?.warn({ error: error.message }, 'FCM access token not granted');
        return deliveries.map(() => error.result);
      }
      const at = now();
      // Deliveries of one push share their data: translate it once for consecutive ones.
      let last: { data: unknown; message: Record<string, unknown> } | undefined;
      return mapLimited(deliveries, concurrency, (delivery) => {
        if (last?.data !== delivery.data) {
          const { message } = fcmMessage('', delivery.data, { pushId: sendOptions.pushId, expiresAt: sendOptions.expiresAt, now: at });
          last = { data: delivery.data, message: message as Record<string, unknown> };
        }
        const body = JSON.stringify({ message: { ...last.message, token: delivery.token } });
        return deliver(body).catch((error: unknown) => {
          options.logger?.error({ err: error }, 'FCM delivery failed unexpectedly');
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
