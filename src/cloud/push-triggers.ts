import { ErrorCode, ParseError } from '../errors/index.ts';
import { Auth } from '../security/index.ts';
import type { CloudHolder } from './holder.ts';
import { followHooks } from './follow-hooks.ts';
import type { CloudRegistry } from './registry.ts';
import type { CloudRuntime } from './runtime.ts';
import type { CloudPush, PushStatusRequest, PushTriggerRequest } from './types.ts';

/** A push as the push service takes it (where in Parse's REST form). */
export interface PushTriggerInput {
  where?: Record<string, unknown> | null;
  channels?: readonly string[] | null;
  data?: Record<string, unknown> | null;
  pushTime?: unknown;
  expirationTime?: unknown;
  expirationInterval?: unknown;
}

/** The push service's view of the push triggers (absent kinds: none registered). */
export interface PushHooks {
  beforePush?(auth: Auth, push: PushTriggerInput): Promise<PushTriggerInput>;
  afterPush?(status: Record<string, unknown>): Promise<void>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toCloud(push: PushTriggerInput): CloudPush {
  const out: CloudPush = { data: { ...(push.data ?? {}) } };
  if (push.where) out.where = { ...push.where };
  if (push.channels) out.channels = [...push.channels];
  if (push.pushTime !== undefined) out.pushTime = push.pushTime as CloudPush['pushTime'];
  if (push.expirationTime !== undefined) out.expirationTime = push.expirationTime as CloudPush['expirationTime'];
  if (push.expirationInterval !== undefined) out.expirationInterval = push.expirationInterval as number;
  return out;
}

function fromCloud(push: CloudPush): PushTriggerInput {
  if (!isRecord(push)) throw new ParseError(ErrorCode.SCRIPT_FAILED, 'beforePush returned something other than a push');
  const pick = (a: unknown, b: unknown) => (a !== undefined ? a : b);
  return {
    where: (push.where as Record<string, unknown> | undefined) ?? null,
    channels: push.channels ?? null,
    data: push.data,
    pushTime: pick(push.pushTime, push.push_time),
    expirationTime: pick(push.expirationTime, push.expiration_time),
    expirationInterval: pick(push.expirationInterval, push.expiration_interval),
  };
}

function hooksFor(rt: CloudRuntime, registry: CloudRegistry): PushHooks {
  const hooks: PushHooks = {};
  const before = registry.triggersFor('beforePush', '@Push');
  if (before.length) {
    hooks.beforePush = async (auth, push) => {
      let current = toCloud(push);
      await rt.runTriggers<PushTriggerRequest>(
        before,
        'before',
        auth,
        (base) => ({ ...base, triggerName: 'beforePush', push: current }),
        () => ({}),
        // Each handler sees the push as the previous one left it: changed in place, or returned.
        (result, request) => {
          current = result !== undefined && result !== null ? (result as CloudPush) : request.push;
        },
      );
      return fromCloud(current);
    };
  }
  const after = registry.triggersFor('afterPush', '@Push');
  if (after.length) {
    hooks.afterPush = async (status) => {
      // The push ends in the background, on whichever instance sent its last batch: the master's request.
      await rt.runTriggers<PushStatusRequest>(after, 'after', Auth.master(), (base) => ({ ...base, triggerName: 'afterPush', pushStatus: { ...status } }));
    };
  }
  return hooks;
}

/** Keeps the push service's hooks in step with the registry in force (one object, filled in place). */
export function wirePushHooks(target: PushHooks, holder: CloudHolder, rt: CloudRuntime): () => void {
  return followHooks(target, ['beforePush', 'afterPush'], holder, (registry) => hooksFor(rt, registry));
}
