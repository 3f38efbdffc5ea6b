import { ErrorCode, ParseError } from '../../errors/index.ts';
import { HOOK_TRIGGERS, type FunctionHook, type HookDeclaration, type HookTriggerName, type TriggerHook } from './types.ts';

/** Parse.Error.WEBHOOK_ERROR: every refusal of the Hooks API. */
export const WEBHOOK_ERROR = ErrorCode.WEBHOOK_ERROR;

export const webhookError = (message: string) => new ParseError(WEBHOOK_ERROR, message);
export const invalidDeclaration = () => webhookError('invalid hook declaration');

/** Parse's trigger names (triggers.Types): a hook for one Plinth does not call over HTTP is refused with its own message. */
const PARSE_TRIGGERS = new Set([
  'beforeLogin',
  'afterLogin',
  'afterLogout',
  'beforePasswordResetRequest',
  'beforeSave',
  'afterSave',
  'beforeDelete',
  'afterDelete',
  'beforeFind',
  'afterFind',
  'beforeConnect',
  'beforeSubscribe',
  'afterEvent',
]);
const SUPPORTED: ReadonlySet<string> = new Set(HOOK_TRIGGERS);

const CLASS_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,119}$/;

/** A non-empty string, as Parse tests a declaration's values (truthy). */
const given = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** What a declaration names: a function, or a trigger of a class (Parse looks at functionName first). */
export type HookTarget = { kind: 'function'; functionName: string } | { kind: 'trigger'; className: string; triggerName: string };

/** The hook a declaration names, before its URL and trigger name are checked (143 "invalid hook declaration" when it names none). */
export function targetOf(declaration: HookDeclaration): HookTarget {
  if (given(declaration.functionName)) {
    if (declaration.functionName.length > 200) throw invalidDeclaration();
    return { kind: 'function', functionName: declaration.functionName };
  }
  if (given(declaration.className) && given(declaration.triggerName))
    return { kind: 'trigger', className: declaration.className, triggerName: declaration.triggerName };
  throw invalidDeclaration();
}

/**
 * The URL a hook POSTs to: an absolute http or https URL. Only the master key registers hooks;
 * other schemes (file:, data:, gopher:, …) are refused all the same.
 */
function checkedUrl(value: unknown): string {
  if (!given(value)) throw invalidDeclaration();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw webhookError(`invalid hook url: ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw webhookError(`invalid hook url: only http and https URLs are allowed, got ${url.protocol.replace(/:$/, '')}`);
  if (!url.hostname) throw webhookError(`invalid hook url: ${JSON.stringify(value)} has no host`);
  return value;
}

/**
 * A whole declaration checked as Parse's createOrUpdateHook checks it — a function name and a
 * URL, or a class, a known trigger name and a URL (143 "invalid hook declaration") — plus
 * Plinth's checks: the URL's scheme, the class name, the triggers a webhook can serve, and
 * Parse's rules for system classes.
 */
export function checkDeclaration(target: HookTarget, url: unknown): FunctionHook | TriggerHook {
  if (target.kind === 'function') return { functionName: target.functionName, url: checkedUrl(url) };
  const { className, triggerName } = target;
  if (!given(url) || !PARSE_TRIGGERS.has(triggerName)) throw invalidDeclaration();
  if (!SUPPORTED.has(triggerName)) throw webhookError(`${triggerName} cannot be a webhook here; webhooks serve ${HOOK_TRIGGERS.join(', ')}`);
  if (!CLASS_NAME.test(className)) throw webhookError(`invalid class name for a trigger hook: ${JSON.stringify(className)}`);
  // Parse's rules for the triggers of system classes (triggers.validateClassNameForTriggers).
  if (className === '_Session') throw webhookError('Only the afterLogout trigger is allowed for the _Session class.');
  if (className === '_PushStatus' && triggerName !== 'afterSave') throw webhookError('Only afterSave is allowed on _PushStatus');
  return { className, triggerName: triggerName as HookTriggerName, url: checkedUrl(url) };
}

/** A stored row as a hook, or undefined for a row this server cannot serve (logged by the caller). */
export function hookOfRow(row: Record<string, unknown>): FunctionHook | TriggerHook | undefined {
  try {
    return checkDeclaration(targetOf(row as HookDeclaration), row.url);
  } catch {
    return undefined;
  }
}
