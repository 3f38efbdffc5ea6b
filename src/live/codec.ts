import { CLASS, type ParseObject } from '../core/index.ts';
import type { LiveChange } from './types.ts';

/*
 * The wire form of a LiveChange on the changes channel (live/types.ts): JSON, version 1.
 *   {"v":1,"kind":"update","className":"Post","objectId":"…",
 *    "object":{"className":"Post","fields":{…}},"original":{"className":"Post","fields":{…}}}
 * A ParseObject's values are JSON already (ISO dates, base64 bytes, the ACL map, points,
 * objectIds for pointers); its class travels beside its fields, since a field may itself be
 * called "className". Included pointer targets (INCLUDED) are not sent: subscribers read
 * their own. A Date instance, should one slip in, is sent in the natural form (ISO string).
 */

const VERSION = 1;
const KINDS = new Set<LiveChange['kind']>(['create', 'update', 'delete']);

interface WireObject {
  className: string;
  fields: Record<string, unknown>;
}

function toWire(object: ParseObject): WireObject {
  // JSON.stringify leaves symbol keys (CLASS, INCLUDED) out by itself.
  return { className: object[CLASS], fields: object };
}

function fromWire(value: unknown, what: string): ParseObject {
  const wire = value as Partial<WireObject> | null;
  if (typeof wire !== 'object' || wire === null || typeof wire.className !== 'string' || typeof wire.fields !== 'object' || wire.fields === null) {
    throw new Error(`malformed live change: ${what} is not an object with its class`);
  }
  // The parsed object itself, so that every key (even "__proto__") stays an own data field.
  const object = wire.fields as ParseObject;
  if (typeof object.objectId !== 'string') throw new Error(`malformed live change: ${what} has no objectId`);
  object[CLASS] = wire.className;
  return object;
}

/** The message published for a committed write. */
export function encodeLiveChange(change: LiveChange): string {
  const message: Record<string, unknown> = {
    v: VERSION,
    kind: change.kind,
    className: change.className,
    objectId: change.objectId,
    object: toWire(change.object),
  };
  if (change.original) message.original = toWire(change.original);
  return JSON.stringify(message);
}

/**
 * A received message as a LiveChange with fresh ParseObjects (CLASS restored). Throws an Error
 * on anything else (another version, a message that is not a change): the subscriber logs it
 * and drops the message.
 */
export function decodeLiveChange(text: string): LiveChange {
  const message = JSON.parse(text) as Record<string, unknown> | null;
  if (typeof message !== 'object' || message === null || message.v !== VERSION) {
    throw new Error(`unsupported live change message (version ${JSON.stringify((message as { v?: unknown } | null)?.v)})`);
  }
  const { kind, className, objectId } = message;
  if (!KINDS.has(kind as LiveChange['kind']) || typeof className !== 'string' || typeof objectId !== 'string') {
    throw new Error('malformed live change: kind, className and objectId are required');
  }
  const change: LiveChange = { kind: kind as LiveChange['kind'], className, objectId, object: fromWire(message.object, 'object') };
  if (message.original !== undefined) change.original = fromWire(message.original, 'original');
  return change;
}
