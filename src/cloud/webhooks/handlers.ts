import { isDeepStrictEqual } from 'node:util';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { applyRestOp, decodeJson, type CloudEnv } from '../object/index.ts';
import { own } from '../object/records.ts';
import type { FunctionEntry, TriggerEntry } from '../registry.ts';
import type { CloudObject, DeleteRequest, FunctionRequest, SaveRequest, SourceLocation } from '../types.ts';
import { functionBody, requestPart, triggerBody } from './body.ts';
import type { FunctionHook, TriggerHook } from './types.ts';

/** Calls a hook and answers its `success` value; a failure is a ParseError (141 with Parse's message). */
export interface WebhookCaller {
  call(url: string, body: Record<string, unknown>, label: string): Promise<unknown>;
}

/** Where a hook "was registered", for the registry view: its URL (shown as its location). */
export function hookSource(url: string): SourceLocation {
  return { file: url, line: 0, column: 0 };
}

/** Statistics keys of hooks: stable while the hook exists, whatever its URL. */
export const functionKey = (name: string) => `webhook:function:${name}`;
export const triggerKey = (kind: string, className: string) => `webhook:${kind}:${className}`;

/**
 * A function hook as a registry function: the runtime runs it like any function (statistics,
 * time limit, trace; no validator), and it POSTs Parse's function body to the URL; the answer's
 * `success` is the function's result.
 */
export function functionEntry(hook: FunctionHook, caller: WebhookCaller): FunctionEntry {
  const label = `function ${hook.functionName}`;
  return {
    name: hook.functionName,
    source: hookSource(hook.url),
    key: functionKey(hook.functionName),
    handler: (request: FunctionRequest) => caller.call(hook.url, functionBody(request.functionName, request.params, requestPart(request)), label),
  };
}

/** Keys of an answered object that are not fields the trigger may change (`constructor` is a valid field name; `__proto__` is not). */
const NOT_FIELDS = new Set(['objectId', 'createdAt', 'updatedAt', 'className', '__type', '__proto__']);

function isOperation(value: unknown): value is { __op: string; amount?: unknown; objects?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { __op?: unknown }).__op === 'string';
}

/**
 * A beforeSave webhook's answer applied to the object being saved, as Parse takes
 * `{success: object}`: each field whose value differs from what was sent is set (Parse JSON,
 * `{__op: 'Delete'}` unsets, Increment / Add / AddUnique / Remove apply); fields the answer
 * leaves out are kept. Any other answer (`{success: true}`, none) saves the object as it is.
 */
export function applyAnswer(object: CloudObject, sent: Record<string, unknown>, answer: unknown, env: CloudEnv): void {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return;
  for (const [key, value] of Object.entries(answer)) {
    if (NOT_FIELDS.has(key) || value === undefined || isDeepStrictEqual(value, own(sent, key))) continue;
    if (key === 'ACL') {
      object.setACL(value as Record<string, { read?: boolean; write?: boolean }> | null);
    } else if (!isOperation(value)) {
      object.set(key, decodeJson(value, env, { dropDangerousKeys: true }));
    } else if (!applyRestOp(object, key, value, env)) {
      throw new ParseError(ErrorCode.SCRIPT_FAILED, `The beforeSave webhook answered an operation Plinth does not apply: ${value.__op} on ${key}`);
    }
  }
}

/** A trigger hook that runs in process (beforeSave, beforeDelete): POSTs Parse's trigger body, and for beforeSave applies the answer. */
function beforeHandler(hook: TriggerHook, caller: WebhookCaller, env: CloudEnv, label: string): TriggerEntry['handler'] {
  if (hook.triggerName === 'beforeSave') {
    return async (request: SaveRequest) => {
      const body = triggerBody('beforeSave', request.object, request.original, requestPart(request));
      const answer = await caller.call(hook.url, body, label);
      applyAnswer(request.object, body.object as Record<string, unknown>, answer, env);
    };
  }
  return async (request: DeleteRequest) => {
    await caller.call(hook.url, triggerBody('beforeDelete', request.object, undefined, requestPart(request)), label);
  };
}

/** After-trigger hooks are delivered by the job engine (deliveries.ts), never run in process. */
function notInProcess(): never {
  throw new Error('an after-trigger webhook is delivered through the job engine');
}

/**
 * A trigger hook as a registry trigger of its class, `index` among that class's triggers of the
 * same kind (it runs after the code's). The location shown for it is its URL.
 */
export function triggerEntry(hook: TriggerHook, index: number, caller: WebhookCaller, env: CloudEnv): TriggerEntry {
  const label = `${hook.triggerName} ${hook.className}`;
  const inProcess = hook.triggerName === 'beforeSave' || hook.triggerName === 'beforeDelete';
  return {
    kind: hook.triggerName,
    className: hook.className,
    handler: inProcess ? beforeHandler(hook, caller, env, label) : notInProcess,
    source: hookSource(hook.url),
    index,
    key: triggerKey(hook.triggerName, hook.className),
  };
}
