import { envValue, int, type Env } from './env.ts';

/** An OpenID Connect provider: ID tokens are verified against the issuer's published keys. */
export interface OidcProviderConfig {
  issuer: string;
  /** Accepted audiences (the app's client ids at the provider). */
  clientIds: string[];
  /** Override of the issuer's JWKS URL (normally found through its discovery document). */
  jwksUri?: string;
}

/** Users, sessions and the abuse guards around them; see README "Configuration". */
export interface AuthConfig {
  /** The name shown in emails and account pages (PLINTH_APP_NAME). */
  appName: string;
  /** Lock an account for `durationMs` after `threshold` failed logins in a row (0 disables). */
  accountLockout: { threshold: number; durationMs: number };
  /**
   * How users' passwords are hashed (PLINTH_PASSWORD_HASH): `argon2id` (default; bcrypt hashes
   * imported from Parse are replaced at the next login), or `bcrypt` (cost 10, as Parse Server) for
   * a database Parse Server still shares — Parse cannot verify argon2id, so nothing is rehashed.
   */
  passwordHash: 'argon2id' | 'bcrypt';
  /** Rules for new passwords. */
  passwordPolicy: { minLength: number; pattern?: RegExp; patternMessage?: string };
  /** Login and signup attempts allowed per minute, per client address and per account. */
  rateLimits: { perIpPerMinute: number; perAccountPerMinute: number };
  /** Addresses (IPs or CIDR ranges) that may use the master key; loopback only in production. */
  masterKeyIps: string[];
  /** Send a verification email on signup and on email change (PLINTH_VERIFY_EMAILS). */
  verifyUserEmails: boolean;
  /** Refuse login until the email is verified (PLINTH_PREVENT_UNVERIFIED_LOGIN). */
  preventLoginWithUnverifiedEmail: boolean;
  /** Lifetime of email verification and password reset links. */
  emailVerifyTokenTtlMs: number;
  passwordResetTokenTtlMs: number;
  /** smtp(s)://user:password@host:port to send mail; absent: kept in the log and the data directory. */
  smtpUrl?: string;
  mailFrom: string;
  /**
   * Account emails one address may receive per hour, after a burst of as many
   * (PLINTH_MAIL_PER_RECIPIENT_PER_HOUR, default 5; 0: no limit).
   */
  mailPerRecipientPerHour: number;
  /** Anonymous users (authData.anonymous), allowed unless PLINTH_ANONYMOUS_USERS=false. */
  anonymousUsers: boolean;
  /**
   * A user created without an ACL is readable by that user only (PLINTH_PRIVATE_USERS, default
   * true, Parse 6+'s `enforcePrivateUsers`); false: everyone may read it, as Parse 5 did.
   */
  privateUsers: boolean;
  /** OpenID Connect providers by authData key (google and apple have known issuers). */
  oidc: Record<string, OidcProviderConfig>;
  /** GitHub: authData.github {id, access_token} checked against `${apiBaseUrl}/user`. */
  github?: { apiBaseUrl: string };
}

export type AuthConfigInput = Partial<Omit<AuthConfig, 'accountLockout' | 'passwordPolicy' | 'rateLimits' | 'oidc'>> & {
  oidc?: Record<string, Partial<OidcProviderConfig>>;
  accountLockout?: Partial<AuthConfig['accountLockout']>;
  passwordPolicy?: Partial<AuthConfig['passwordPolicy']>;
  rateLimits?: Partial<AuthConfig['rateLimits']>;
};

const KNOWN_ISSUERS: Record<string, string> = {
  google: 'https://accounts.google.com',
  apple: 'https://appleid.apple.com',
};

/** The built-in issuer of a provider name (a name is the operator's: `constructor` has none). */
const knownIssuer = (name: string): string | undefined => (Object.hasOwn(KNOWN_ISSUERS, name) ? KNOWN_ISSUERS[name] : undefined);

function passwordHashOf(raw: string | undefined): 'argon2id' | 'bcrypt' {
  const value = raw?.trim().toLowerCase() || 'argon2id';
  if (value !== 'argon2id' && value !== 'bcrypt') throw new Error(`PLINTH_PASSWORD_HASH must be argon2id or bcrypt, got "${raw}"`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/**
 * PLINTH_AUTH_PROVIDERS: JSON, e.g. {"google": {"clientIds": ["…"]}, "myidp": {"issuer":
 * "https://idp.example", "clientIds": ["…"]}, "github": {"apiBaseUrl": "https://api.github.com"}}.
 */
function providers(env: Env): Pick<AuthConfig, 'oidc' | 'github'> {
  const raw = envValue(env, 'PLINTH_AUTH_PROVIDERS');
  if (!raw) return { oidc: {} };
  let parsed: Record<string, Record<string, unknown>>;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('PLINTH_AUTH_PROVIDERS must be a JSON object');
  }
  const oidc: Record<string, OidcProviderConfig> = Object.create(null);
  let github: AuthConfig['github'];
  for (const [name, value] of Object.entries(parsed ?? {})) {
    if (name === 'github') {
      github = { apiBaseUrl: String(value?.apiBaseUrl ?? 'https://api.github.com').replace(/\/$/, '') };
      continue;
    }
    const issuer = (value?.issuer as string | undefined) ?? knownIssuer(name);
    const clientIds = value?.clientIds ?? (value?.clientId !== undefined ? [value.clientId] : undefined);
    if (!issuer || !Array.isArray(clientIds) || !clientIds.every((c) => typeof c === 'string')) {
      throw new Error(`PLINTH_AUTH_PROVIDERS.${name} needs an "issuer" (unless google/apple) and "clientIds"`);
    }
    oidc[name] = { issuer: issuer.replace(/\/$/, ''), clientIds, jwksUri: value?.jwksUri as string | undefined };
  }
  return { oidc, github };
}

/** Reads the users-and-sessions part of the configuration; overrides win. */
export function loadAuthConfig(env: Env, overrides: AuthConfigInput = {}, production = false): AuthConfig {
  const pattern =
    overrides.passwordPolicy?.pattern ?? (envValue(env, 'PLINTH_PASSWORD_PATTERN') ? new RegExp(envValue(env, 'PLINTH_PASSWORD_PATTERN')!) : undefined);
  const ips = envValue(env, 'PLINTH_MASTER_KEY_IPS');
  return {
    appName: overrides.appName ?? envValue(env, 'PLINTH_APP_NAME') ?? 'Plinth',
    accountLockout: {
      threshold: overrides.accountLockout?.threshold ?? int(env, 'PLINTH_LOCKOUT_THRESHOLD', 10, 0, 1000),
      durationMs: overrides.accountLockout?.durationMs ?? int(env, 'PLINTH_LOCKOUT_MINUTES', 10, 1, 100_000) * 60_000,
    },
    passwordPolicy: {
      minLength: overrides.passwordPolicy?.minLength ?? int(env, 'PLINTH_PASSWORD_MIN_LENGTH', 8, 1, 1024),
      pattern,
      patternMessage: overrides.passwordPolicy?.patternMessage ?? envValue(env, 'PLINTH_PASSWORD_PATTERN_MESSAGE'),
    },
    rateLimits: {
      perIpPerMinute: overrides.rateLimits?.perIpPerMinute ?? int(env, 'PLINTH_AUTH_RATE_PER_IP', 30, 0),
      perAccountPerMinute: overrides.rateLimits?.perAccountPerMinute ?? int(env, 'PLINTH_AUTH_RATE_PER_ACCOUNT', 10, 0),
    },
    masterKeyIps:
      overrides.masterKeyIps ??
      (ips
        ? ips
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : production
          ? ['127.0.0.1', '::1']
          : ['0.0.0.0/0', '::/0']),
    verifyUserEmails: overrides.verifyUserEmails ?? bool(env, 'PLINTH_VERIFY_EMAILS', false),
    passwordHash: overrides.passwordHash ?? passwordHashOf(envValue(env, 'PLINTH_PASSWORD_HASH')),
    preventLoginWithUnverifiedEmail: overrides.preventLoginWithUnverifiedEmail ?? bool(env, 'PLINTH_PREVENT_UNVERIFIED_LOGIN', false),
    emailVerifyTokenTtlMs: overrides.emailVerifyTokenTtlMs ?? int(env, 'PLINTH_EMAIL_VERIFY_TTL', 24 * 3600, 60) * 1000,
    passwordResetTokenTtlMs: overrides.passwordResetTokenTtlMs ?? int(env, 'PLINTH_PASSWORD_RESET_TTL', 3600, 60) * 1000,
    smtpUrl: overrides.smtpUrl ?? envValue(env, 'PLINTH_SMTP_URL'),
    mailFrom: overrides.mailFrom ?? envValue(env, 'PLINTH_MAIL_FROM') ?? 'no-reply@localhost',
    mailPerRecipientPerHour: overrides.mailPerRecipientPerHour ?? int(env, 'PLINTH_MAIL_PER_RECIPIENT_PER_HOUR', 5, 0, 100_000),
    anonymousUsers: overrides.anonymousUsers ?? bool(env, 'PLINTH_ANONYMOUS_USERS', true),
    privateUsers: overrides.privateUsers ?? bool(env, 'PLINTH_PRIVATE_USERS', true),
    ...providers(env),
    ...(overrides.oidc ? { oidc: normalizeOidc(overrides.oidc) } : {}),
    ...(overrides.github ? { github: { apiBaseUrl: overrides.github.apiBaseUrl.replace(/\/$/, '') } } : {}),
  };
}

/** Overrides get what the environment form gets: google/apple issuers by default, no trailing slash. */
function normalizeOidc(oidc: Record<string, Partial<OidcProviderConfig>>): Record<string, OidcProviderConfig> {
  const out: Record<string, OidcProviderConfig> = Object.create(null);
  for (const [name, value] of Object.entries(oidc)) {
    const issuer = value.issuer ?? knownIssuer(name);
    if (!issuer) throw new Error(`auth.oidc.${name} needs an "issuer" (google and apple have theirs built in)`);
    if (!value.clientIds?.length) throw new Error(`auth.oidc.${name} needs at least one client id in "clientIds"`);
    out[name] = { issuer: issuer.replace(/\/$/, ''), clientIds: value.clientIds, jwksUri: value.jwksUri };
  }
  return out;
}
