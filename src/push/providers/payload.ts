/*
 * Parse's push `data` in each provider's shape, as parse-server-push-adapter builds it
 * (APNSNative.js `_generateNotification`, FCM.js `_GCMToFCMPayload`), so apps built on Parse's
 * SDKs read their pushes as before. Pure functions: the providers call them once per delivery.
 */

type Json = Record<string, unknown>;

/** What an APNs request carries besides the device token and the credentials. */
export interface ApnsNotification {
  /** `apns-push-type`. */
  pushType: string;
  /** `apns-priority`: 10 (now), 5 (background, or to save the battery), 1 (lowest). */
  priority: number;
  /** `apns-topic`: the bundle id, with the suffix some push types need. */
  topic: string;
  /**
   * `apns-expiration`: seconds since the epoch (0: "now or never"). Absent when the push has no
   * expiry: APNs then stores the notification for an offline device and retries it, as Parse
   * (node-apn) leaves the header out.
   */
  expiration?: number;
  /** `apns-collapse-id`. */
  collapseId?: string;
  /** `apns-id`, when the data names a UUID. */
  id?: string;
  /** The JSON body: `aps` and the custom keys beside it. */
  payload: Json;
}

const APNS_PUSH_TYPES = new Set([
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

/** Push types whose topic is the bundle id with a suffix (Parse's `_determineTopic`). */
const TOPIC_SUFFIX: Record<string, string> = {
  location: '.location-query',
  voip: '.voip',
  complication: '.complication',
  fileprovider: '.pushkit.fileprovider',
  liveactivity: '.push-type.liveactivity',
  pushtotalk: '.voip-ptt',
};

/** Keys that become APNs headers (or that Parse drops), never part of the body. */
const APNS_HEADER_KEYS = new Set([
  'id',
  'collapseId',
  'collapse_id',
  'channelId',
  'requestId',
  'pushType',
  'push_type',
  'topic',
  'expiry',
  'expiration_time',
  'priority',
]);

/** Parse sends 1 for "on"; true and "1" are read the same way here. */
const isOn = (value: unknown): boolean => value === 1 || value === true || value === '1';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `aps` dictionary and the custom keys from Parse's data keys. */
function apnsPayload(data: Json): { aps: Json; custom: Json } {
  const aps: Json = typeof data.aps === 'object' && data.aps !== null ? { ...(data.aps as Json) } : {};
  const custom: Json = {};
  let alert: Json | undefined =
    typeof aps.alert === 'string' ? { body: aps.alert } : typeof aps.alert === 'object' && aps.alert !== null ? { ...(aps.alert as Json) } : undefined;
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || key === 'aps' || APNS_HEADER_KEYS.has(key)) continue;
    switch (key) {
      case 'alert':
        alert = { ...alert, ...(typeof value === 'object' && value !== null ? (value as Json) : { body: value }) };
        break;
      case 'title':
        alert = { ...alert, title: value };
        break;
      case 'badge': {
        const badge = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
        if (typeof badge === 'number') aps.badge = badge;
        break;
      }
      case 'sound':
      case 'category':
        aps[key] = value;
        break;
      case 'content-available':
      case 'mutable-content':
        if (isOn(value)) aps[key] = 1;
        break;
      case 'threadId':
      case 'thread-id':
        aps['thread-id'] = value;
        break;
      case 'targetContentIdentifier':
        aps['target-content-id'] = value;
        break;
      case 'interruptionLevel':
        aps['interruption-level'] = value;
        break;
      default:
        custom[key] = value;
    }
  }
  if (alert) aps.alert = alert;
  return { aps, custom };
}

/**
 * The APNs request for Parse's `data`. The push type is the data's `pushType`/`push_type`, else
 * the installation's when it names an APNs push type, else `background` for a silent push
 * (content-available without alert, title, sound or badge) and `alert` otherwise.
 * The collapse id is the data's `collapseId`/`collapse_id`, else the push's id (`pushId`): a copy
 * of a push sent again — after a crash mid-send, providers taking no idempotency key — then
 * shows on the device as the one notification, not two; distinct pushes still show apart.
 */
export function apnsNotification(data: Json, options: { topic: string; expiresAt?: Date; pushType?: string; pushId?: string }): ApnsNotification {
  const { aps, custom } = apnsPayload(data);
  const silent = aps['content-available'] === 1 && aps.alert === undefined && aps.sound === undefined && aps.badge === undefined;
  const named = [data.pushType, data.push_type, options.pushType].find((t) => typeof t === 'string' && APNS_PUSH_TYPES.has(t)) as string | undefined;
  const pushType = named ?? (silent ? 'background' : 'alert');
  const priority = [1, 5, 10].includes(Number(data.priority)) ? Number(data.priority) : pushType === 'background' ? 5 : 10;
  const expiry = typeof data.expiry === 'number' && data.expiry >= 0 ? Math.floor(data.expiry) : undefined;
  const id = text(data.id);
  return {
    pushType,
    priority,
    topic: options.topic + (TOPIC_SUFFIX[pushType] ?? ''),
    expiration: expiry ?? (options.expiresAt ? Math.max(0, Math.floor(options.expiresAt.getTime() / 1000)) : undefined),
    collapseId: text(data.collapseId) ?? text(data.collapse_id) ?? options.pushId,
    id: id && UUID.test(id) ? id : undefined,
    payload: { ...custom, aps },
  };
}

/** FCM keeps a message at most four weeks. */
const MAX_TTL_SECONDS = 4 * 7 * 24 * 60 * 60;

/** Seconds from `now` to `expiresAt`, within what push services accept; `fallback` without an expiry. */
export function ttlSeconds(expiresAt: Date | undefined, now: number, fallback = MAX_TTL_SECONDS): number {
  if (!expiresAt) return fallback;
  return Math.min(MAX_TTL_SECONDS, Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)));
}

/** APNs' integer keys, which Parse's FCM adapter leaves out of Android data. */
const APNS_INTEGER_KEYS = new Set(['badge', 'content-available', 'mutable-content', 'priority', 'expiration_time']);

/**
 * The FCM v1 message for one Android device: a data message, as Parse's Android SDK expects it
 * (`push_id`, `time`, and `data`: the JSON text of Parse's data, which the SDK turns into the
 * notification), at high priority, with a TTL when the push expires.
 */
export function fcmMessage(token: string, data: Json, options: { pushId: string; expiresAt?: Date; now: number }): Json {
  const kept: Json = {};
  for (const [key, value] of Object.entries(data)) if (!APNS_INTEGER_KEYS.has(key)) kept[key] = value;
  const collapseKey = text(data.collapseId) ?? text(data.collapse_id);
  const android: Json = { priority: 'high' };
  if (options.expiresAt) android.ttl = `${ttlSeconds(options.expiresAt, options.now)}s`;
  if (collapseKey) android.collapse_key = collapseKey;
  return {
    message: {
      token,
      data: { push_id: options.pushId, time: new Date(options.now).toISOString(), data: JSON.stringify(kept) },
      android,
    },
  };
}

/** The Web Push body: the JSON text of Parse's data, which the site's service worker reads. */
export function webPushPayload(data: Json): string {
  return JSON.stringify(data);
}

/** Parse data keys an Expo message carries as its own fields (the rest goes in its `data`). */
const EXPO_FIELDS = new Set(['alert', 'title', 'subtitle', 'badge', 'sound', 'category', 'channelId', 'priority', 'content-available', 'mutable-content']);
const EXPO_PRIORITIES = new Set(['default', 'normal', 'high']);

/**
 * The Expo push message for Parse's `data` (without `to`): the alert (text, or `{title, body}`)
 * and `title`/`subtitle`, `badge` (already a number), `sound`, `category` → `categoryId`,
 * `channelId` (Android), `priority`, content-available and mutable-content; every other key in
 * `data`, which the app reads as the notification's data. A TTL when the push expires.
 */
export function expoMessage(data: Json, options: { expiresAt?: Date; now: number }): Json {
  const message: Json = {};
  const alert = data.alert;
  if (typeof alert === 'string') message.body = alert;
  else if (typeof alert === 'object' && alert !== null) {
    const { title, body } = alert as Json;
    if (typeof title === 'string') message.title = title;
    if (typeof body === 'string') message.body = body;
  }
  if (typeof data.title === 'string') message.title = data.title;
  if (typeof data.subtitle === 'string') message.subtitle = data.subtitle;
  if (typeof data.badge === 'number') message.badge = data.badge;
  if (typeof data.sound === 'string') message.sound = data.sound;
  if (typeof data.category === 'string') message.categoryId = data.category;
  if (typeof data.channelId === 'string') message.channelId = data.channelId;
  if (typeof data.priority === 'string' && EXPO_PRIORITIES.has(data.priority)) message.priority = data.priority;
  if (isOn(data['content-available'])) message._contentAvailable = true;
  if (isOn(data['mutable-content'])) message.mutableContent = true;
  const custom: Json = {};
  for (const [key, value] of Object.entries(data)) if (!EXPO_FIELDS.has(key) && value !== undefined) custom[key] = value;
  if (Object.keys(custom).length > 0) message.data = custom;
  if (options.expiresAt) message.ttl = ttlSeconds(options.expiresAt, options.now);
  return message;
}
