import { isDeepStrictEqual } from 'node:util';
import type { ParseObject } from '../../core/index.ts';
import type { LiveEvent } from '../../live/index.ts';
import { isWriteOnly } from '../../schema/index.ts';
import { encodeObject, type EncodeContext } from '../codec/encode.ts';
import type { EventOp, Push } from './replies.ts';

/** The fields every event object carries even when the subscription names its keys (as Parse's Client does). */
export const ALWAYS_SENT = ['objectId', 'createdAt', 'updatedAt', 'ACL'] as const;

/** How one subscription's events are written. */
export interface EventShape {
  className: string;
  /** Only these fields (absent: every field the subscriber may see). */
  keys?: ReadonlySet<string>;
  /** `create` and `update` only when one of these fields changed. */
  watch?: readonly string[];
  encode: EncodeContext;
}

const OPS: Record<LiveEvent['event'], EventOp> = { CREATE: 'create', ENTER: 'enter', UPDATE: 'update', LEAVE: 'leave', DELETE: 'delete' };

/** An object as LiveQuery sends it: Parse JSON with its class (`__type: 'Object'`, `className`), limited to the keys. */
function toJson(object: ParseObject, shape: EventShape): Record<string, unknown> {
  const json = encodeObject(object, shape.encode);
  for (const key of Object.keys(json)) {
    if (isWriteOnly(shape.className, key) || (shape.keys && !shape.keys.has(key))) delete json[key];
  }
  json.className = shape.className;
  json.__type = 'Object';
  return json;
}

/** Whether one of the watched fields differs between the object and its original (a create has none). */
function watchedChanged(event: LiveEvent, watch: readonly string[]): boolean {
  return watch.some((f) => !isDeepStrictEqual(event.object[f], event.original?.[f]));
}

/**
 * One engine event as the subscription's push, or undefined when its `watch` filters it out.
 * The engine already decided what the subscriber may see: a `leave` of an object it lost read
 * access to carries the last state it could read as `object`, as Parse sends it.
 */
export function eventPush(event: LiveEvent, requestId: number, shape: EventShape): Push | undefined {
  const op = OPS[event.event];
  if (shape.watch && (op === 'create' || op === 'update') && !watchedChanged(event, shape.watch)) return undefined;
  const push: Push = { op, requestId, object: toJson(event.object, shape) };
  if (event.original && op !== 'delete') push.original = toJson(event.original, shape);
  return push;
}
