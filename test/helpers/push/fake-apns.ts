import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http2, { type Http2SecureServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Answer, Answers, listen, sleep, stopServer } from './fake-server.ts';

/*
 * A stand-in for Apple's APNs: HTTP/2 over TLS with the self-signed certificate in
 * test/fixtures/push (made once with
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7300 \
 *     -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
 *     -addext basicConstraints=critical,CA:TRUE -keyout localhost-key.pem -out localhost-cert.pem),
 * checking the provider token (ES256, kid, iss, at most an hour old) and the topic as APNs does.
 * Clients trust it with `ios.ca: FakeApns.ca` (or NODE_EXTRA_CA_CERTS=<fixtures>/localhost-cert.pem).
 */

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/push');

/** A request APNs accepted. */
export interface ApnsDelivery {
  token: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeApnsOptions {
  topic: string;
  keyId: string;
  teamId: string;
  /** The public key of the .p8 key, PEM. */
  publicKey: string;
  /** The clock a token's age is measured by (default Date.now). */
  now?: () => number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS announced to clients (default 1000, as APNs). */
  maxConcurrentStreams?: number;
}

const REASONS: Record<number, string> = {
  400: 'BadDeviceToken',
  403: 'InvalidProviderToken',
  410: 'Unregistered',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
const PUSH_TYPES = new Set([
  'alert',
  'background',
  'location',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'pushtotalk',
  'widgets',
  'controls',
]);

export class FakeApns {
  /** The certificate to trust (PEM). */
  static readonly ca = readFileSync(path.join(FIXTURES, 'localhost-cert.pem'), 'utf8');
  /** Accepted requests, in order of arrival. */
  readonly deliveries: ApnsDelivery[] = [];
  /** Every request's token and status, accepted or not. */
  readonly requests: Array<{ token: string; status: number }> = [];
  /** The distinct provider tokens (JWTs) seen. */
  readonly jwts = new Set<string>();
  /** HTTP/2 connections opened to it. */
  connections = 0;
  /** The most streams open at once. */
  peakStreams = 0;
  url = '';
  private open = 0;
  private readonly answers = new Answers();
  private readonly sessions = new Set<Http2Session>();
  private readonly key: KeyObject;
  private readonly verified = new Map<string, number | undefined>();
  private readonly server: Http2SecureServer;

  constructor(private readonly options: FakeApnsOptions) {
    this.key = createPublicKey(options.publicKey);
    this.server = http2.createSecureServer({
      key: readFileSync(path.join(FIXTURES, 'localhost-key.pem')),
      cert: FakeApns.ca,
      settings: { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000 },
    });
    this.server.on('session', (session) => {
      this.connections++;
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
    });
    this.server.on('stream', (stream, headers) => {
      this.open++;
      this.peakStreams = Math.max(this.peakStreams, this.open);
      stream.on('close', () => this.open--);
      // A client killed with streams open resets them: that is the client's doing, not an error here.
      stream.on('error', () => undefined);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => void this.handle(stream, headers, Buffer.concat(chunks)));
    });
  }

  async start(): Promise<{ url: string; ca: string }> {
    const port = await listen(this.server as never);
    this.url = `https://127.0.0.1:${port}`;
    return { url: this.url, ca: FakeApns.ca };
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await stopServer(this.server as never);
  }

  /** Answer requests for `token` (or all) this way; see Answer. */
  answer(answer: Answer, token?: string): void {
    this.answers.add(answer, token);
  }

  /** Sends GOAWAY on every open connection: clients must open a new one. */
  goaway(): void {
    for (const session of this.sessions) session.goaway();
  }

  reset(): void {
    this.deliveries.length = 0;
    this.requests.length = 0;
    this.jwts.clear();
    this.answers.clear();
    this.connections = this.sessions.size;
    this.peakStreams = 0;
  }

  /** The `iat` of a provider token signed with the key, for the team; undefined when it is not. Checked once per token. */
  private issuedAt(jwt: string): number | undefined {
    if (this.verified.has(jwt)) return this.verified.get(jwt);
    let iat: number | undefined;
    const [header, claims, signature = ''] = jwt.split('.');
    try {
      const h = JSON.parse(Buffer.from(header, 'base64url').toString());
      const c = JSON.parse(Buffer.from(claims, 'base64url').toString());
      const signed = verify('sha256', Buffer.from(`${header}.${claims}`), { key: this.key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
      if (signed && h.alg === 'ES256' && h.kid === this.options.keyId && c.iss === this.options.teamId && typeof c.iat === 'number') iat = c.iat;
    } catch {
      iat = undefined;
    }
    this.verified.set(jwt, iat);
    return iat;
  }

  /** The refusal of a request's token, topic or push type, as APNs words it; undefined when it is right. */
  private refusal(headers: IncomingHttpHeaders, body: Buffer): [number, string] | undefined {
    const auth = String(headers.authorization ?? '');
    if (!auth.startsWith('bearer ')) return [403, 'MissingProviderToken'];
    const jwt = auth.slice(7);
    const iat = this.issuedAt(jwt);
    if (iat === undefined) return [403, 'InvalidProviderToken'];
    if ((this.options.now ?? Date.now)() / 1000 - iat > 3600) return [403, 'ExpiredProviderToken'];
    this.jwts.add(jwt);
    const topic = headers['apns-topic'];
    if (!topic) return [400, 'MissingTopic'];
    if (topic !== this.options.topic && !String(topic).startsWith(`${this.options.topic}.`)) return [400, 'TopicDisallowed'];
    if (!PUSH_TYPES.has(String(headers['apns-push-type']))) return [400, 'InvalidPushType'];
    if (!['1', '5', '10'].includes(String(headers['apns-priority'] ?? '10'))) return [400, 'BadPriority'];
    if (!/^\d+$/.test(String(headers['apns-expiration'] ?? '0'))) return [400, 'BadExpirationDate'];
    if (body.length === 0) return [400, 'PayloadEmpty'];
    if (body.length > 4096) return [413, 'PayloadTooLarge'];
    return undefined;
  }

  private async handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer): Promise<void> {
    const token = /^\/3\/device\/([^/]+)$/.exec(String(headers[':path']))?.[1] ?? '';
    const scripted = this.answers.take(token);
    if (scripted?.delayMs) await sleep(scripted.delayMs);
    if (stream.destroyed) return;
    const refused: [number, string] | undefined =
      headers[':method'] !== 'POST' ? [405, 'MethodNotAllowed'] : !token ? [404, 'BadPath'] : this.refusal(headers, body);
    const [status, reason]: [number, string | undefined] =
      refused ??
      (scripted && scripted.status !== 200 ? [scripted.status, scripted.reason ?? REASONS[scripted.status] ?? 'InternalServerError'] : [200, undefined]);
    this.requests.push({ token, status });
    const apnsId = String(headers['apns-id'] ?? crypto.randomUUID());
    if (status === 200) {
      const recorded: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':') && value !== undefined) recorded[name] = String(value);
      this.deliveries.push({ token, headers: recorded, body: JSON.parse(body.toString()) });
      stream.respond({ ':status': 200, 'apns-id': apnsId });
      stream.end();
      return;
    }
    const answer = status === 410 ? { reason, timestamp: (this.options.now ?? Date.now)() } : { reason };
    stream.respond({
      ':status': status,
      'apns-id': apnsId,
      'content-type': 'application/json',
      ...(scripted?.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {}),
    });
    stream.end(JSON.stringify(answer));
  }
}
