import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { envValue, int, type Env } from './env.ts';

/** Apple Push Notification service, token-based authentication (a .p8 key). */
export interface ApnsConfig {
  /** The app's bundle id, sent as `apns-topic`. */
  topic: string;
  /** The signing key's id (10 characters, from the Apple developer account). */
  keyId: string;
  /** The Apple developer team id, the token's issuer. */
  teamId: string;
  /** The .p8 signing key: PEM text of an EC P-256 private key. */
  key: string;
  /** Production or the sandbox (development builds); default false. */
  production: boolean;
  /** Another APNs base URL (a test server); default Apple's, by `production`. */
  url?: string;
  /** PEM certificates to trust for `url` besides the system's (a test server's self-signed one). */
  ca?: string;
}

/** Firebase Cloud Messaging HTTP v1, with a Google service account. */
export interface FcmConfig {
  projectId: string;
  clientEmail: string;
  /** The service account's RSA private key, PEM. */
  privateKey: string;
  /** Another FCM base URL (a test server); default https://fcm.googleapis.com. */
  url?: string;
  /** Another OAuth token URL; default https://oauth2.googleapis.com/token. */
  tokenUrl?: string;
}

/** Web Push with VAPID (RFC 8292) keys, as `web-push generate-vapid-keys` prints them. */
export interface WebPushConfig {
  /** A `mailto:` address or an `https:` URL where the push services can reach the operator. */
  subject: string;
  /** Base64url of the uncompressed P-256 public key (65 bytes); browsers subscribe with it. */
  publicKey: string;
  /** Base64url of the P-256 private key (32 bytes). */
  privateKey: string;
  /**
   * Reach subscription endpoints over http and on local or private hosts (a test push service).
   * Off by default: endpoints come from clients, and must not aim the server at its own network.
   */
  allowLocalEndpoints?: boolean;
}

/** Expo's push service, for apps built with Expo (installations of deviceType "expo"). */
export interface ExpoConfig {
  /** The project's push access token, when Expo's enhanced security is on. */
  accessToken?: string;
  /** Another send URL (a test server); default https://exp.host/--/api/v2/push/send. */
  url?: string;
}

/** Push notifications: which services are configured, who may send, how large a batch is. */
export interface PushConfig {
  /** Non-master callers may send pushes (PLINTH_CLIENT_PUSH, default false: Parse's `allowClientPush`). */
  client: boolean;
  /** Devices read and handed to a provider at once (PLINTH_PUSH_BATCH_SIZE, default 500). */
  batchSize: number;
  ios?: ApnsConfig;
  android?: FcmConfig;
  web?: WebPushConfig;
  expo?: ExpoConfig;
}

type Json = Record<string, unknown>;

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(section: Json, key: string, where: string): string {
  const value = section[key];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`PLINTH_PUSH.${where}.${key} is required (a non-empty string)`);
  return value;
}

function optionalUrl(section: Json, key: string, where: string): string | undefined {
  const value = section[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^https?:\/\/[^/]+/.test(value)) throw new Error(`PLINTH_PUSH.${where}.${key} must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

/** The value of `key`, or the text of the file `${key}File` names (read now, at start-up). */
function inlineOrFile(section: Json, key: string, where: string): string | undefined {
  if (section[key] !== undefined) return text(section, key, where);
  const file = section[`${key}File`];
  if (file === undefined) return undefined;
  if (typeof file !== 'string') throw new Error(`PLINTH_PUSH.${where}.${key}File must be a file path`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`PLINTH_PUSH.${where}.${key}File cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'} ${file}`);
  }
}

function privateKey(text: string, type: 'ec' | 'rsa', setting: string): string {
  // A key pasted into an environment variable often has its line breaks written as \n.
  const pem = text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === type && (type === 'rsa' || key.asymmetricKeyDetails?.namedCurve === 'prime256v1')) return pem;
  } catch {
    // reported below, without the key's text
  }
  throw new Error(`${setting} must be the PEM text of ${type === 'ec' ? 'an EC P-256 (.p8)' : 'an RSA'} private key`);
}

function ios(section: Json): ApnsConfig {
  const key = inlineOrFile(section, 'key', 'ios');
  if (key === undefined) throw new Error('PLINTH_PUSH.ios.key (or keyFile) is required: the .p8 signing key');
  if (section.production !== undefined && typeof section.production !== 'boolean') throw new Error('PLINTH_PUSH.ios.production must be true or false');
  if (section.ca !== undefined && typeof section.ca !== 'string') throw new Error('PLINTH_PUSH.ios.ca must be PEM text');
  return {
    topic: text(section, 'topic', 'ios'),
    keyId: text(section, 'keyId', 'ios'),
    teamId: text(section, 'teamId', 'ios'),
    key: privateKey(key, 'ec', 'PLINTH_PUSH.ios.key'),
    production: section.production === true,
    url: optionalUrl(section, 'url', 'ios'),
    ca: section.ca as string | undefined,
  };
}

/** `serviceAccount` may be the object or its JSON text, as downloaded from the Firebase console. */
function serviceAccount(section: Json): Json | undefined {
  if (isObject(section.serviceAccount)) return section.serviceAccount;
  const raw = inlineOrFile(section, 'serviceAccount', 'android');
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isObject(parsed)) return parsed;
  } catch {
    // reported below
  }
  throw new Error('PLINTH_PUSH.android.serviceAccount must be the JSON of a Google service account');
}

function android(section: Json): FcmConfig {
  const account = serviceAccount(section);
  const from = (key: string, accountKey: string): string => {
    const value = section[key] ?? account?.[accountKey];
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`PLINTH_PUSH.android.${key} is required (or serviceAccount.${accountKey})`);
    return value;
  };
  return {
    projectId: from('projectId', 'project_id'),
    clientEmail: from('clientEmail', 'client_email'),
    privateKey: privateKey(from('privateKey', 'private_key'), 'rsa', 'PLINTH_PUSH.android.privateKey'),
    url: optionalUrl(section, 'url', 'android'),
    tokenUrl: optionalUrl(section, 'tokenUrl', 'android'),
  };
}

function web(section: Json): WebPushConfig {
  const subject = text(section, 'subject', 'web');
  if (!/^(mailto:.+|https:\/\/.+)$/.test(subject)) throw new Error('PLINTH_PUSH.web.subject must be a mailto: address or an https: URL');
  const base64url = (key: string, bytes: number): string => {
    const value = text(section, key, 'web');
    if (!/^[A-Za-z0-9_-]+$/.test(value) || Buffer.from(value, 'base64url').length !== bytes) {
      throw new Error(`PLINTH_PUSH.web.${key} must be a base64url VAPID key of ${bytes} bytes`);
    }
    return value;
  };
  if (section.allowLocalEndpoints !== undefined && typeof section.allowLocalEndpoints !== 'boolean')
    throw new Error('PLINTH_PUSH.web.allowLocalEndpoints must be true or false');
  return { subject, publicKey: base64url('publicKey', 65), privateKey: base64url('privateKey', 32), allowLocalEndpoints: section.allowLocalEndpoints === true };
}

function expo(section: Json): ExpoConfig {
  return { accessToken: section.accessToken === undefined ? undefined : text(section, 'accessToken', 'expo'), url: optionalUrl(section, 'url', 'expo') };
}

/** The keys each service's settings may have: a misspelt optional one is an error, not a silent default. */
const SECTION_KEYS = {
  ios: ['topic', 'keyId', 'teamId', 'key', 'keyFile', 'production', 'url', 'ca'],
  android: ['serviceAccount', 'serviceAccountFile', 'projectId', 'clientEmail', 'privateKey', 'url', 'tokenUrl'],
  web: ['subject', 'publicKey', 'privateKey', 'allowLocalEndpoints'],
  expo: ['accessToken', 'url'],
};

/**
 * PLINTH_PUSH: JSON naming the push services to use, e.g.
 * {"ios": {"topic": "com.example.app", "keyId": "…", "teamId": "…", "keyFile": "AuthKey.p8", "production": true},
 *  "android": {"serviceAccountFile": "firebase.json"},
 *  "web": {"subject": "mailto:ops@example.com", "publicKey": "…", "privateKey": "…"},
 *  "expo": {"accessToken": "…"}}.
 * Read at start-up: a bad value stops the server with an error naming the key.
 */
function services(env: Env): Pick<PushConfig, 'ios' | 'android' | 'web' | 'expo'> {
  const raw = envValue(env, 'PLINTH_PUSH');
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('PLINTH_PUSH must be a JSON object (keys "ios", "android", "web", "expo")');
  }
  if (!isObject(parsed)) throw new Error('PLINTH_PUSH must be a JSON object (keys "ios", "android", "web", "expo")');
  const unknown = Object.keys(parsed).filter((key) => !['ios', 'android', 'web', 'expo'].includes(key));
  if (unknown.length > 0) throw new Error(`PLINTH_PUSH has unknown keys: ${unknown.join(', ')} (expected "ios", "android", "web", "expo")`);
  const section = (key: keyof typeof SECTION_KEYS): Json | undefined => {
    const value = parsed[key];
    if (value === undefined) return undefined;
    if (!isObject(value)) throw new Error(`PLINTH_PUSH.${key} must be an object`);
    const unknownKeys = Object.keys(value).filter((k) => !SECTION_KEYS[key].includes(k));
    if (unknownKeys.length > 0) throw new Error(`PLINTH_PUSH.${key} has unknown keys: ${unknownKeys.join(', ')} (expected ${SECTION_KEYS[key].join(', ')})`);
    return value;
  };
  const [i, a, w, e] = [section('ios'), section('android'), section('web'), section('expo')];
  return { ios: i && ios(i), android: a && android(a), web: w && web(w), expo: e && expo(e) };
}

/** Reads the push part of the configuration. */
export function loadPushConfig(env: Env): PushConfig {
  return {
    client: bool(env, 'PLINTH_CLIENT_PUSH', false),
    batchSize: int(env, 'PLINTH_PUSH_BATCH_SIZE', 500, 1, 5000),
    ...services(env),
  };
}
