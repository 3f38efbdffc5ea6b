/** The trigger kinds a webhook can be registered for (Parse's trigger names). */
export const HOOK_TRIGGERS = ['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete'] as const;
export type HookTriggerName = (typeof HOOK_TRIGGERS)[number];

/** After-triggers: delivered through the job engine, at least once, after the write commits. */
export const DELIVERED_TRIGGERS: ReadonlySet<string> = new Set<HookTriggerName>(['afterSave', 'afterDelete']);

/** A function hook as Parse's Hooks API shows it: calling the function POSTs to `url`. */
export interface FunctionHook {
  functionName: string;
  url: string;
}

/** A trigger hook as Parse's Hooks API shows it: the trigger of `className` POSTs to `url`. */
export interface TriggerHook {
  className: string;
  triggerName: HookTriggerName;
  url: string;
}

export type StoredHook = FunctionHook | TriggerHook;

export const isFunctionHook = (hook: StoredHook): hook is FunctionHook => 'functionName' in hook;

/**
 * A hook as a client declares it (Parse's body of `POST /hooks/functions` and
 * `POST /hooks/triggers`): values not checked yet.
 */
export interface HookDeclaration {
  functionName?: unknown;
  className?: unknown;
  triggerName?: unknown;
  url?: unknown;
}

/** An after-trigger delivery that failed for good: attempts exhausted, or refused by the receiver. */
export interface WebhookFailure {
  /** The delivery's id (sent as `X-Plinth-Delivery-Id` with each attempt). */
  id: string;
  failedAt: Date;
  className: string;
  triggerName: string;
  objectId: string | null;
  url: string;
  attempts: number;
  /** The last attempt's error. */
  error: string;
  /** The JSON body that was sent. */
  body: Record<string, unknown>;
}
