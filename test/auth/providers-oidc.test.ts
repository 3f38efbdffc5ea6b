import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Events, type MutableResponse } from 'oauth2-mock-server';
import { loadAuthConfig, type OidcProviderConfig } from '../../src/config/auth.ts';
import { createAuthProviders, type ProviderOptions } from '../../src/auth/providers/index.ts';
import { CLIENT_ID, closedPort, recordingFetch, silentLogger, startIssuer, type TestIssuer } from './providers-servers.ts';

/** ID tokens of any OpenID Connect issuer, verified against a real issuer started here. */
describe('OpenID Connect sign-in', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(() => issuer?.stop());

  const providers = (oidc: Record<string, OidcProviderConfig>, options: ProviderOptions = {}) =>
    createAuthProviders(loadAuthConfig({}, { oidc }), silentLogger, options);
  const idp = (options: ProviderOptions = {}, clientIds = [CLIENT_ID]) => providers({ idp: { issuer: issuer.url, clientIds } }, options);
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('the token was accepted'),
      (error) => error,
    );

  it('accepts a valid ID token, returns its subject and stores no token', async () => {
    const recorder = recordingFetch();
    const p = idp({ fetch: recorder.fetch });
    const token = await issuer.idToken('user-1');
    expect(await p.validate({ idp: { id: 'user-1', id_token: token } })).toEqual([{ provider: 'idp', id: 'user-1', stored: { id: 'user-1' } }]);
    // Discovery and keys are fetched once, then cached.
    expect(await p.validate({ idp: { id: 'user-1', id_token: await issuer.idToken('user-1') } })).toHaveLength(1);
    expect(recorder.urls).toEqual([`${issuer.url}/.well-known/openid-configuration`, `${issuer.url}/jwks`]);
  });

  it("also reads the token from `token` (Parse's Apple adapter) and accepts any configured client id", async () => {
    const p = idp({}, ['ios-app', CLIENT_ID]);
    const token = await issuer.idToken('user-2');
    expect((await p.validate({ idp: { id: 'user-2', token } }))[0].id).toBe('user-2');
  });

  const refusals: [string, () => Promise<unknown>, RegExp][] = [
    ['another audience', () => issuer.idToken('u', (_h, p) => void (p.aud = 'someone-else')), /audience/],
    ['another issuer', () => issuer.idToken('u', (_h, p) => void (p.iss = 'https://evil.example')), /issuer/],
    [
      'an expired token',
      () => issuer.idToken('u', (_h, p) => void ((p.exp = Math.floor(Date.now() / 1000) - 3600), (p.iat = p.exp - 3600), (p.nbf = p.iat))),
      /expired/,
    ],
    ['a token without expiry', () => issuer.idToken('u', (_h, p) => void delete (p as Record<string, unknown>).exp), /"exp" claim is missing/],
  ];
  for (const [what, make, message] of refusals) {
    it(`refuses ${what} with 101`, async () => {
      const error = await rejection(idp().validate({ idp: { id: 'u', id_token: await make() } }));
      expect(error).toMatchObject({ code: 101, message: expect.stringMatching(message) });
    });
  }

  it("refuses a token whose subject is not authData.id (someone else's token)", async () => {
    const error = await rejection(idp().validate({ idp: { id: 'victim', id_token: await issuer.idToken('attacker') } }));
    expect(error).toMatchObject({ code: 101, message: 'auth data is invalid for this user.' });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await issuer.idToken('attacker')).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: issuer.url, aud: CLIENT_ID, sub: 'victim', exp: Math.floor(Date.now() / 1000) + 600 })).toString(
      'base64url',
    );
    const error = await rejection(idp().validate({ idp: { id: 'victim', id_token: `${header}.${forged}.${signature}` } }));
    expect(error).toMatchObject({ code: 101, message: expect.stringMatching(/signature does not verify/) });
  });

  it('refuses a token signed by a key the issuer does not publish, and a shared-secret (HS256) token', async () => {
    const rogue = await generateKeyPair('RS256');
    const claims = { iss: issuer.url, aud: CLIENT_ID, sub: 'victim' };
    const signed = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rogue-key' }).setExpirationTime('10m').sign(rogue.privateKey);
    const p = idp({ jwksCooldownMs: 0 });
    expect(await rejection(p.validate({ idp: { id: 'victim', id_token: signed } }))).toMatchObject({
      code: 101,
      message: expect.stringMatching(/unknown key id/),
    });
    // The attacker knows the public key; an HMAC "signed" with it must not pass as RS256.
    const publicJwk = await exportJWK(rogue.publicKey);
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(publicJwk.n));
    expect(await rejection(p.validate({ idp: { id: 'victim', id_token: hmac } }))).toMatchObject({ code: 101, message: expect.stringMatching(/algorithm/) });
    expect(await rejection(p.validate({ idp: { id: 'victim', id_token: 'not-a-jwt' } }))).toMatchObject({
      code: 101,
      message: expect.stringMatching(/well-formed/),
    });
  });

  it('fetches the key set again when a token names a new key (rotation)', async () => {
    const recorder = recordingFetch();
    const p = idp({ fetch: recorder.fetch, jwksCooldownMs: 0 });
    await p.validate({ idp: { id: 'u', id_token: await issuer.idToken('u') } });
    const rotated = await issuer.server.issuer.keys.generate('RS256');
    const token = await issuer.idToken('u', undefined, rotated.kid);
    expect(await p.validate({ idp: { id: 'u', id_token: token } })).toEqual([{ provider: 'idp', id: 'u', stored: { id: 'u' } }]);
    expect(recorder.urls.filter((url) => url.endsWith('/jwks'))).toHaveLength(2);
  });

  it('does not download the keys again for every unknown key id (cooldown)', async () => {
    const recorder = recordingFetch();
    const p = idp({ fetch: recorder.fetch });
    await p.validate({ idp: { id: 'u', id_token: await issuer.idToken('u') } });
    const rogue = await generateKeyPair('RS256');
    for (const kid of ['a', 'b', 'c']) {
      const token = await new SignJWT({ iss: issuer.url, aud: CLIENT_ID, sub: 'u' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setExpirationTime('10m')
        .sign(rogue.privateKey);
      expect(await rejection(p.validate({ idp: { id: 'u', id_token: token } }))).toMatchObject({ code: 101 });
    }
    expect(recorder.urls.filter((url) => url.endsWith('/jwks'))).toHaveLength(1);
  });

  it('refuses missing or malformed authData before any network call', async () => {
    const recorder = recordingFetch();
    const p = idp({ fetch: recorder.fetch });
    expect(await rejection(p.validate({ idp: { id: 'u' } }))).toMatchObject({ code: 101, message: 'id token is invalid for this user.' });
    expect(await rejection(p.validate({ idp: { id_token: 'x.y.z' } }))).toMatchObject({ code: 101, message: expect.stringMatching(/authData.idp.id/) });
    expect(await rejection(p.validate({ idp: 'token' }))).toMatchObject({ code: 101, message: 'authData.idp must be an object.' });
    expect(await rejection(p.validate({ otheridp: { id: 'u', id_token: 'x.y.z' } }))).toMatchObject({
      code: 252,
      message: 'This authentication method is unsupported.',
    });
    expect(recorder.urls).toEqual([]);
  });

  it('answers 142 while the issuer cannot be reached, and recovers once it can', async () => {
    const p = providers({ idp: { issuer: `http://127.0.0.1:${await closedPort()}`, clientIds: [CLIENT_ID] } }, { timeoutMs: 1000 });
    const error = await rejection(p.validate({ idp: { id: 'u', id_token: await issuer.idToken('u') } }));
    expect(error).toMatchObject({ code: 142, message: expect.stringMatching(/could not be reached/) });
    // A failed discovery is not cached: the same provider object works once the issuer answers.
    const fetchedAt: string[] = [];
    let down = true;
    const flaky = providers(
      { idp: { issuer: issuer.url, clientIds: [CLIENT_ID] } },
      {
        fetch: (url, init) => (fetchedAt.push(url), down ? Promise.reject(new TypeError('fetch failed')) : fetch(url, init)),
      },
    );
    expect(await rejection(flaky.validate({ idp: { id: 'u', id_token: await issuer.idToken('u') } }))).toMatchObject({ code: 142 });
    down = false;
    expect(await flaky.validate({ idp: { id: 'u', id_token: await issuer.idToken('u') } })).toHaveLength(1);
  });

  it('refuses to use keys from a discovery document that names another issuer', async () => {
    const lie = (response: MutableResponse) => void ((response.body as Record<string, unknown>).issuer = 'https://impostor.example');
    issuer.server.service.once(Events.BeforeWellKnownOpenIdConfiguration, lie);
    const error = await rejection(idp().validate({ idp: { id: 'u', id_token: await issuer.idToken('u') } }));
    expect(error).toMatchObject({ code: 142, message: expect.stringMatching(/misconfigured/) });
  });

  it("uses a configured jwksUri without discovery, and accepts Google's scheme-less issuer", async () => {
    const recorder = recordingFetch();
    const google = providers(
      { google: { issuer: 'https://accounts.google.com', clientIds: [CLIENT_ID], jwksUri: `${issuer.url}/jwks` } },
      { fetch: recorder.fetch },
    );
    for (const iss of ['accounts.google.com', 'https://accounts.google.com']) {
      const token = await issuer.idToken('g-1', (_h, p) => void (p.iss = iss));
      expect(await google.validate({ google: { id: 'g-1', id_token: token } })).toEqual([{ provider: 'google', id: 'g-1', stored: { id: 'g-1' } }]);
    }
    const foreign = await issuer.idToken('g-1', (_h, p) => void (p.iss = issuer.url));
    expect(await rejection(google.validate({ google: { id: 'g-1', id_token: foreign } }))).toMatchObject({
      code: 101,
      message: expect.stringMatching(/issuer/),
    });
    expect(recorder.urls).toEqual([`${issuer.url}/jwks`]);
  });

  it('gives google and apple their issuers from PLINTH_AUTH_PROVIDERS, and refuses bad provider configurations at start-up', () => {
    const config = loadAuthConfig({ PLINTH_AUTH_PROVIDERS: JSON.stringify({ google: { clientIds: ['g'] }, apple: { clientId: 'a' } }) });
    expect(config.oidc.google.issuer).toBe('https://accounts.google.com');
    expect(config.oidc.apple).toMatchObject({ issuer: 'https://appleid.apple.com', clientIds: ['a'] });
    expect(() => createAuthProviders(config, silentLogger)).not.toThrow();
    expect(() => providers({ idp: { issuer: issuer.url, clientIds: [] } })).toThrow(/client id/);
    expect(() => providers({ github: { issuer: issuer.url, clientIds: ['x'] } })).toThrow(/built-in/);
    expect(() => providers({ idp: { issuer: 'accounts.example', clientIds: ['x'] } })).toThrow(/https URL/);
  });
});
