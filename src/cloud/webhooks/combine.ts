import type { Logger } from '../../config/logger.ts';
import type { CloudEnv } from '../object/index.ts';
import { CloudRegistry, type TriggerEntry, type TriggerKind } from '../registry.ts';
import { functionEntry, triggerEntry, type WebhookCaller } from './handlers.ts';
import { DELIVERED_TRIGGERS, isFunctionHook, type StoredHook, type TriggerHook } from './types.ts';

const keyOf = (kind: string, className: string) => `${kind}\0${className}`;

/**
 * The registry in force when hooks are stored: the cloud file's code with the hooks added — a
 * function hook is a function, a trigger hook a trigger of its class (after the code's of the
 * same kind). The registry view lists them all; `triggersFor` (what runs in process around an
 * operation) leaves out the after-trigger hooks, which the job engine delivers instead, from
 * inside the write's transaction (deliveries.ts).
 */
export class WebhookRegistry extends CloudRegistry {
  private readonly inProcess = new Map<string, readonly TriggerEntry[]>();
  private readonly delivered = new Map<string, TriggerHook>();

  constructor(
    /** The cloud file's own registry. */
    readonly code: CloudRegistry,
    /** The hooks in force, as stored. */
    readonly hooks: readonly StoredHook[],
    functions: CloudRegistry['functions'],
    triggers: readonly TriggerEntry[],
    deliveredHooks: ReadonlyMap<TriggerEntry, TriggerHook>,
  ) {
    super(functions, code.jobs, triggers);
    for (const [entry, hook] of deliveredHooks) {
      const k = keyOf(entry.kind, entry.className);
      this.delivered.set(k, hook);
      this.inProcess.set(
        k,
        super.triggersFor(entry.kind, entry.className).filter((t) => !deliveredHooks.has(t)),
      );
    }
  }

  override triggersFor(kind: TriggerKind, className: string): readonly TriggerEntry[] {
    return this.inProcess.get(keyOf(kind, className)) ?? super.triggersFor(kind, className);
  }

  override has(kind: TriggerKind, className: string): boolean {
    return this.triggersFor(kind, className).length > 0;
  }

  /** The after-trigger hook (afterSave, afterDelete) of a class, delivered through the job engine. */
  deliveredHook(kind: 'afterSave' | 'afterDelete', className: string): TriggerHook | undefined {
    return this.delivered.get(keyOf(kind, className));
  }

  /** Classes with after-trigger hooks. */
  get deliveredClasses(): Set<string> {
    return new Set([...this.delivered.values()].map((h) => h.className));
  }
}

/**
 * The registry in force: `code` with `hooks` added. A function both define is the hook's (as in
 * Parse, where registering a hook replaces the function; logged at each rebuild); a trigger
 * both define runs twice — the code's first, then the hook. Without hooks, the code's registry
 * itself.
 */
export function combineRegistry(code: CloudRegistry, hooks: readonly StoredHook[], caller: WebhookCaller, env: CloudEnv, logger?: Logger): CloudRegistry {
  if (hooks.length === 0) return code;
  const functions = new Map(code.functions);
  const triggers = [...code.triggers];
  const delivered = new Map<TriggerEntry, TriggerHook>();
  for (const hook of hooks) {
    if (isFunctionHook(hook)) {
      const shadowed = code.functions.get(hook.functionName);
      if (shadowed) {
        logger?.warn(
          { function: hook.functionName, url: hook.url, at: `${shadowed.source.file}:${shadowed.source.line}` },
          `function ${hook.functionName} is defined by the cloud code and by a webhook: the webhook (${hook.url}) is called`,
        );
      }
      functions.set(hook.functionName, functionEntry(hook, caller));
      continue;
    }
    const index = triggers.filter((t) => t.kind === hook.triggerName && t.className === hook.className).length;
    const entry = triggerEntry(hook, index, caller, env);
    triggers.push(entry);
    if (DELIVERED_TRIGGERS.has(hook.triggerName)) delivered.set(entry, hook);
  }
  return new WebhookRegistry(code, hooks, functions, triggers, delivered);
}
