import { ErrorCode, ParseError } from '../errors/index.ts';
import { formatPushTime, parseExpirationInterval, parseExpirationTime, parsePushTime, type PushTime } from './push-time.ts';

/** A push as a caller asks for it (GraphQL's `sendPush` input, cloud code's `push`, later REST's body). */
export interface PushInput {
  /** Installations to reach, in Parse's REST form (GraphQL's where input is converted before). */
  where?: Record<string, unknown> | null;
  channels?: readonly string[] | null;
  data?: Record<string, unknown> | null;
  /** Seconds since the epoch, or ISO 8601 (without a zone: each installation's local time). */
  pushTime?: unknown;
  expirationTime?: unknown;
  expirationInterval?: unknown;
}

/** How a push changes each installation's badge (Parse's `badge` of the data). */
export type BadgeChange = { increment: number } | { set: number };

/** A checked push, as it is recorded in `_PushStatus` and delivered. */
export interface PushRequest {
  /** The installations' filter in Parse's REST form (`_PushStatus.query`). */
  where: Record<string, unknown>;
  /** The data to send, without the badge operation (each device gets its own badge). */
  data: Record<string, unknown>;
  badge?: BadgeChange;
  pushTime?: PushTime;
  /** Absolute expiry (`expiration_time`). */
  expiresAt?: Date;
  /** Seconds after the push goes out (`expiration_interval`). */
  expirationInterval?: number;
}

const misconfigured = (message: string) => new ParseError(ErrorCode.PUSH_MISCONFIGURED, message);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse's `badge`: "Increment", `{__op: "Increment", amount}`, or a number to set. */
export function badgeChange(badge: unknown): BadgeChange | undefined {
  if (badge === undefined || badge === null) return undefined;
  if (typeof badge === 'string' && badge.toLowerCase() === 'increment') return { increment: 1 };
  if (
    isRecord(badge) &&
    typeof badge.__op === 'string' &&
    badge.__op.toLowerCase() === 'increment' &&
    Number.isFinite(Number(badge.amount)) &&
    Number(badge.amount) !== 0
  )
    return { increment: Number(badge.amount) };
  if (typeof badge === 'number' && Number.isFinite(badge)) return { set: badge };
  if (typeof badge === 'string' && badge.trim() !== '' && Number.isFinite(Number(badge))) return { set: Number(badge) };
  throw misconfigured("Invalid value for badge, expected number or 'Increment' or {increment: number}");
}

/**
 * Checks a push as Parse's PushRouter and PushController do (error 115, Parse's messages):
 * `where` or `channels` (not both); `data`; a valid push time; an expiry by time or by interval,
 * not both.
 */
export function checkPush(input: PushInput): PushRequest {
  const hasWhere = input.where !== undefined && input.where !== null;
  const hasChannels = input.channels !== undefined && input.channels !== null;
  if (hasWhere && hasChannels) throw misconfigured('Channels and query can not be set at the same time.');
  if (!hasWhere && !hasChannels) throw misconfigured('Sending a push requires either "channels" or a "where" query.');
  let where: Record<string, unknown>;
  if (hasChannels) {
    const channels = input.channels as unknown;
    if (!Array.isArray(channels) || !channels.every((c) => typeof c === 'string')) throw misconfigured('channels must be a list of strings');
    where = { channels: { $in: [...channels] } };
  } else {
    if (!isRecord(input.where)) throw misconfigured('where must be an object');
    where = input.where;
  }
  if (!isRecord(input.data)) throw misconfigured('Sending a push requires "data".');
  const { badge, ...data } = input.data;
  const request: PushRequest = { where, data, badge: badgeChange(badge) };
  // Each device gets its badge as a number: the badge's operation never reaches a provider.
  if (request.badge && 'set' in request.badge) data.badge = request.badge.set;
  if (input.pushTime !== undefined && input.pushTime !== null) request.pushTime = parsePushTime(input.pushTime);
  const hasTime = input.expirationTime !== undefined && input.expirationTime !== null;
  const hasInterval = input.expirationInterval !== undefined && input.expirationInterval !== null;
  if (hasTime && hasInterval) throw misconfigured('Both expiration_time and expiration_interval cannot be set');
  if (hasTime) request.expiresAt = parseExpirationTime(input.expirationTime);
  if (hasInterval) request.expirationInterval = parseExpirationInterval(input.expirationInterval);
  return request;
}

/** The push's data as Parse stores it in `_PushStatus.payload` (the badge as it was asked for). */
export function storedPayload(request: PushRequest): Record<string, unknown> {
  const badge =
    request.badge &&
    ('increment' in request.badge ? (request.badge.increment === 1 ? 'Increment' : { __op: 'Increment', amount: request.badge.increment }) : request.badge.set);
  return badge === undefined ? request.data : { ...request.data, badge };
}

/** `_PushStatus.pushTime`: when it was asked for, or now. */
export function storedPushTime(request: PushRequest, now: Date): string {
  return request.pushTime ? formatPushTime(request.pushTime) : now.toISOString();
}

/**
 * `_PushStatus.expiry` (ms since the epoch): the expiration time; for an immediate push with an
 * expiration interval, now plus the interval, as Parse's PushController sets it (a scheduled
 * push keeps only its interval, counted from each device's send time).
 */
export function storedExpiry(request: PushRequest, now: Date): number | null {
  if (request.expiresAt) return request.expiresAt.valueOf();
  if (request.expirationInterval !== undefined && request.pushTime === undefined) return now.valueOf() + request.expirationInterval * 1000;
  return null;
}

/** The push's hash as Parse computes it: MD5 of the alert (or of its JSON). */
export { pushHash } from './hash.ts';
