import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Server, type JwtTransform } from 'oauth2-mock-server';
import { createLogger } from '../../src/config/logger.ts';
import type { FetchLike } from '../../src/auth/providers/index.ts';

export const CLIENT_ID = 'plinth-app';
export const silentLogger = createLogger('silent');

/** A real OpenID Connect issuer on a loopback port (discovery document, JWKS, RS256 keys). */
export interface TestIssuer {
  url: string;
  server: OAuth2Server;
  /** A signed ID token for `sub`, for CLIENT_ID, valid for an hour; `change` edits it before signing. */
  idToken(sub: string, change?: JwtTransform, kid?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  // Name the address we listen on, so that "localhost" resolving to ::1 cannot get in the way.
  server.issuer.url = `http://127.0.0.1:${server.address().port}`;
  return {
    url: server.issuer.url,
    server,
    idToken: (sub, change, kid) =>
      server.issuer.buildToken({
        kid,
        scopesOrTransform: (header, payload) => {
          payload.sub = sub;
          payload.aud = CLIENT_ID;
          change?.(header, payload);
        },
      }),
    stop: () => server.stop(),
  };
}

/** The global fetch, recording each URL it was asked for. */
export function recordingFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (url, init) => {
      urls.push(String(url));
      return fetch(url, init);
    },
  };
}

/** A port on which nothing listens (a server that was started and closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A stand-in for GitHub's REST API: `GET <prefix>/user` answers for the tokens it knows. */
export interface GitHubStub {
  baseUrl: string;
  requests: { path: string; authorization?: string }[];
  /** access token → the user GitHub returns for it; other tokens get 401. */
  users: Map<string, Record<string, unknown>>;
  /** Overrides the answer to every request (status and body), or hangs when 'hang'. */
  answer?: { status: number; body: unknown } | 'hang';
  stop(): Promise<void>;
}

export async function startGitHubStub(prefix = ''): Promise<GitHubStub> {
  const hanging: ServerResponse[] = [];
  const stub: GitHubStub = { baseUrl: '', requests: [], users: new Map(), stop: async () => undefined };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    stub.requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (stub.answer === 'hang') return void hanging.push(res);
    if (stub.answer) return send(res, stub.answer.status, stub.answer.body);
    if (req.method !== 'GET' || req.url !== `${prefix}/user`) return send(res, 404, { message: 'Not Found' });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const user = token ? stub.users.get(token) : undefined;
    if (!user) return send(res, 401, { message: 'Bad credentials' });
    send(res, 200, user);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  stub.stop = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return stub;
}
