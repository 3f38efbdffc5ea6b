import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH, type KeyObject } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Answer, Answers, listen, sleep, stopServer } from './fake-server.ts';

/*
 * A stand-in for a browser's push service and the browser behind it: it hands out
 * subscriptions as a browser does (`subscribe()`), checks each request's VAPID JWT (RFC 8292)
 * and decrypts its aes128gcm body (RFC 8291) with the subscription's private key, recording the
 * JSON the service worker would read.
 */

/** A subscription as the browser's PushSubscription.toJSON() gives it; the installation's deviceToken is its JSON text. */
export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A message the push service accepted, decrypted. */
export interface WebPushDelivery {
  /** The subscription's id (the endpoint's last segment). */
  id: string;
  payload: unknown;
  headers: Record<string, string>;
}

export interface FakeWebPushOptions {
  /** The VAPID public key (base64url) that subscriptions were made with. */
  vapidPublicKey: string;
  /** The clock a JWT's expiry is checked by (default Date.now). */
  now?: () => number;
}

/** The EC P-256 public key from its uncompressed point. */
function p256PublicKey(point: Buffer): KeyObject {
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

/**
 * RFC 8291 + RFC 8188: the plaintext of an aes128gcm body, for the user agent's ECDH key and
 * auth secret. Throws when the body was not encrypted for them.
 */
export function decryptAes128gcm(body: Buffer, userAgent: ECDH, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const senderPublic = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  const ecdhSecret = userAgent.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), userAgent.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const baseNonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const parts: Buffer[] = [];
  for (let offset = 0, seq = 0; offset < records.length; offset += recordSize, seq++) {
    const record = records.subarray(offset, offset + recordSize);
    const nonce = Buffer.from(baseNonce);
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // Padding: zeros after a delimiter, 2 in the last record and 1 in the others.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const last = offset + recordSize >= records.length;
    if (plain[end] !== (last ? 2 : 1)) throw new Error('bad padding delimiter');
    parts.push(plain.subarray(0, end));
  }
  return Buffer.concat(parts);
}

export class FakeWebPush {
  /** Accepted messages, decrypted, in order of arrival. */
  readonly deliveries: WebPushDelivery[] = [];
  /** Every request's subscription id and status. */
  readonly requests: Array<{ id: string; status: number }> = [];
  url = '';
  private readonly answers = new Answers();
  private readonly subscriptions = new Map<string, { ecdh: ECDH; auth: Buffer }>();
  private readonly vapidKey: KeyObject;
  private readonly verified = new Map<string, Record<string, unknown> | undefined>();
  private readonly server = http.createServer((req, res) => void this.receive(req, res));

  constructor(private readonly options: FakeWebPushOptions) {
    this.vapidKey = p256PublicKey(Buffer.from(options.vapidPublicKey, 'base64url'));
  }

  async start(): Promise<{ url: string }> {
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
    return { url: this.url };
  }

  stop(): Promise<void> {
    return stopServer(this.server);
  }

  /** A new subscription, as a browser makes one: a P-256 key pair and a 16-byte auth secret. */
  subscribe(): BrowserSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const id = randomBytes(12).toString('base64url');
    this.subscriptions.set(id, { ecdh, auth });
    return { endpoint: `${this.url}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
  }

  /** The subscription id of an endpoint. */
  idOf(subscription: BrowserSubscription): string {
    return subscription.endpoint.slice(subscription.endpoint.lastIndexOf('/') + 1);
  }

  /** Answer messages for subscription `id` (or all) this way; see Answer. */
  answer(answer: Answer, id?: string): void {
    this.answers.add(answer, id);
  }

  /** Forgets what was received and scripted; subscriptions stay. */
  reset(): void {
    this.deliveries.length = 0;
    this.requests.length = 0;
    this.answers.clear();
  }

  /** Why the VAPID Authorization is refused, or undefined when it is right (RFC 8292 §3). */
  private vapidProblem(authorization: string | undefined): string | undefined {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match) return 'missing vapid authorization';
    const [, jwt, key] = match;
    if (key !== this.options.vapidPublicKey) return 'vapid key does not match the subscription';
    const claims = this.signedClaims(jwt);
    if (!claims) return 'vapid jwt must be ES256, signed with the VAPID key';
    const now = (this.options.now ?? Date.now)() / 1000;
    if (claims.aud !== new URL(this.url).origin) return 'vapid aud must be the push service origin';
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) return 'vapid exp';
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return 'vapid sub';
    return undefined;
  }

  /** The claims of a JWT signed (ES256) with the VAPID key, or undefined. Checked once per JWT. */
  private signedClaims(jwt: string): Record<string, unknown> | undefined {
    if (this.verified.has(jwt)) return this.verified.get(jwt);
    let claims: Record<string, unknown> | undefined;
    const [header, payload, signature = ''] = jwt.split('.');
    try {
      const h = JSON.parse(Buffer.from(header, 'base64url').toString());
      const signed = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: this.vapidKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
      if (h.alg === 'ES256' && signed) claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    } catch {
      claims = undefined;
    }
    this.verified.set(jwt, claims);
    return claims;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const id = /^\/push\/([^/]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const scripted = this.answers.take(id);
    if (scripted?.delayMs) await sleep(scripted.delayMs);
    const answer = (status: number, text = '', headers: Record<string, string> = {}) => {
      this.requests.push({ id, status });
      res.writeHead(status, headers);
      res.end(text);
    };
    const subscription = this.subscriptions.get(id);
    if (req.method !== 'POST' || !subscription) return answer(404, 'no such subscription');
    const problem = this.vapidProblem(req.headers.authorization);
    if (problem) return answer(403, problem);
    if (req.headers['content-encoding'] !== 'aes128gcm') return answer(415, 'aes128gcm only');
    if (!/^\d+$/.test(String(req.headers.ttl ?? ''))) return answer(400, 'TTL header required');
    if (body.length > 4096) return answer(413, 'payload too large');
    if (scripted && scripted.status >= 300) {
      return answer(scripted.status, scripted.reason ?? '', scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {});
    }
    let payload: unknown;
    try {
      payload = JSON.parse(decryptAes128gcm(body, subscription.ecdh, subscription.auth).toString('utf8'));
    } catch {
      return answer(400, 'cannot decrypt');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = String(value);
    this.deliveries.push({ id, payload, headers });
    answer(201, '', { location: `${this.url}/message/${randomBytes(8).toString('hex')}` });
  }
}
