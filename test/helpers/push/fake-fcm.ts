import { randomBytes, createPublicKey, type KeyObject } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import { type Answer, Answers, listen, readBody, reply, sleep, stopServer } from './fake-server.ts';

/*
 * A stand-in for Firebase Cloud Messaging HTTP v1 and Google's OAuth token endpoint, on one
 * plain HTTP server: `POST /token` checks the service account's RS256 assertion and grants an
 * access token; `POST /v1/projects/:id/messages:send` checks that token and records the message.
 */

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** A message FCM accepted. */
export interface FcmDelivery {
  token: string;
  /** The whole `message` object sent. */
  message: Record<string, unknown>;
  accessToken: string;
}

export interface FakeFcmOptions {
  projectId: string;
  clientEmail: string;
  /** The service account's public key, PEM. */
  publicKey: string;
  /** The clock tokens expire by (default Date.now). */
  now?: () => number;
  /** The `expires_in` of granted tokens, in seconds (default 3599, as Google). */
  tokenLifetimeS?: number;
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};
const ERROR_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'SENDER_ID_MISMATCH',
  404: 'UNREGISTERED',
  429: 'QUOTA_EXCEEDED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** FCM's error body: google.rpc.Status with the FcmError detail. */
export function fcmError(status: number, errorCode = ERROR_CODE[status]): Record<string, unknown> {
  const details = errorCode ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] : [];
  return { error: { code: status, message: errorCode ?? 'error', status: STATUS[status] ?? 'UNKNOWN', details } };
}

export class FakeFcm {
  /** Accepted messages, in order of arrival. */
  readonly deliveries: FcmDelivery[] = [];
  /** Every messages:send request's device token and status. */
  readonly requests: Array<{ token: string; status: number }> = [];
  /** Access tokens granted so far. */
  tokenRequests = 0;
  /** Scripted answers of the token endpoint (a status and an OAuth `error`, e.g. 400 invalid_grant). */
  readonly tokenAnswers = new Answers();
  url = '';
  private readonly answers = new Answers();
  private readonly granted = new Map<string, number>();
  private readonly key: KeyObject;
  private readonly server = http.createServer((req, res) => void this.route(req, res));

  constructor(private readonly options: FakeFcmOptions) {
    this.key = createPublicKey(options.publicKey);
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  async start(): Promise<{ url: string; tokenUrl: string }> {
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
    return { url: this.url, tokenUrl: this.tokenUrl };
  }

  stop(): Promise<void> {
    return stopServer(this.server);
  }

  /** Answer messages for device `token` (or all) this way; `reason` is the FcmError errorCode. */
  answer(answer: Answer, token?: string): void {
    this.answers.add(answer, token);
  }

  /** Access tokens granted so far are refused from now on (401), as after a key rotation. */
  revokeTokens(): void {
    this.granted.clear();
  }

  reset(): void {
    this.deliveries.length = 0;
    this.requests.length = 0;
    this.tokenRequests = 0;
    this.answers.clear();
    this.tokenAnswers.clear();
    this.granted.clear();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method === 'POST' && req.url === '/token') return this.grant(res, body);
    if (req.method === 'POST' && req.url === `/v1/projects/${this.options.projectId}/messages:send`) return this.send(req, res, body);
    reply(res, 404, fcmError(404, ''));
  }

  private async grant(res: ServerResponse, body: string): Promise<void> {
    const form = new URLSearchParams(body);
    const scripted = this.tokenAnswers.take('');
    if (scripted) return reply(res, scripted.status, { error: scripted.reason ?? 'invalid_grant' });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return reply(res, 400, { error: 'unsupported_grant_type' });
    try {
      const { payload } = await jwtVerify(form.get('assertion') ?? '', this.key, {
        algorithms: ['RS256'],
        issuer: this.options.clientEmail,
        audience: this.tokenUrl,
        currentDate: new Date(this.now()),
        requiredClaims: ['iat', 'exp'],
      });
      if (payload.scope !== FCM_SCOPE) return reply(res, 400, { error: 'invalid_scope' });
    } catch {
      return reply(res, 400, { error: 'invalid_grant' });
    }
    const lifetime = this.options.tokenLifetimeS ?? 3599;
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.granted.set(accessToken, this.now() + lifetime * 1000);
    this.tokenRequests++;
    reply(res, 200, { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer' });
  }

  /** Why FCM would refuse this message (a status and an error code), or undefined. */
  private invalid(message: Record<string, any> | undefined): string | undefined {
    if (!message || typeof message.token !== 'string' || message.token === '') return 'message.token is required';
    if (message.data && !Object.values(message.data).every((v) => typeof v === 'string')) return 'message.data values must be strings';
    if (message.android?.ttl !== undefined && !/^\d+(\.\d+)?s$/.test(message.android.ttl)) return 'message.android.ttl must be a duration';
    return undefined;
  }

  private async send(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const accessToken = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const expiresAt = this.granted.get(accessToken);
    if (expiresAt === undefined || this.now() >= expiresAt) {
      this.requests.push({ token: '', status: 401 });
      return reply(res, 401, fcmError(401, ''));
    }
    let message: Record<string, any> | undefined;
    try {
      message = JSON.parse(body).message;
    } catch {
      message = undefined;
    }
    const token = typeof message?.token === 'string' ? message.token : '';
    const scripted = this.answers.take(token);
    if (scripted?.delayMs) await sleep(scripted.delayMs);
    const problem = this.invalid(message);
    const status = problem ? 400 : (scripted?.status ?? 200);
    this.requests.push({ token, status });
    if (status === 200) {
      this.deliveries.push({ token, message: message!, accessToken });
      return reply(res, 200, { name: `projects/${this.options.projectId}/messages/${randomBytes(8).toString('hex')}` });
    }
    const headers: Record<string, string> = scripted?.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {};
    reply(res, status, fcmError(status, problem ? 'INVALID_ARGUMENT' : scripted?.reason), headers);
  }
}
