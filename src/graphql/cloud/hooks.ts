import type { StoredHook, WebhookFailure } from '../../cloud/webhooks/index.ts';
import { errors } from '../../errors/index.ts';
import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { inp, out, type Spec } from '../type-spec.ts';

/*
 * Parse's Hooks API (REST /hooks/functions and /hooks/triggers in Parse) as GraphQL fields:
 * lists of function and trigger hooks, and mutations to create, update and delete them —
 * master key only (119). Each resolver calls one method of the cloud's Webhooks service
 * (src/cloud/webhooks), which holds every rule and Parse's error messages (143).
 */

/** The types this file defines, reserved against class names (collisions.ts). */
export const WEBHOOK_TYPE_NAMES = [
  'FunctionHook',
  'TriggerHook',
  'WebhookFailure',
  ...['Create', 'Update', 'Delete'].flatMap((verb) => ['Function', 'Trigger'].flatMap((kind) => [`${verb}${kind}HookInput`, `${verb}${kind}HookPayload`])),
] as const;

/** Root fields this file defines, reserved against class names. */
export const WEBHOOK_QUERIES = ['functionHooks', 'triggerHooks', 'webhookFailures'] as const;
export const WEBHOOK_MUTATIONS = [
  'createFunctionHook',
  'updateFunctionHook',
  'deleteFunctionHook',
  'createTriggerHook',
  'updateTriggerHook',
  'deleteTriggerHook',
] as const;

type Fields = Record<string, [type: string, spec: Spec, description?: string]>;

function fields(t: Ref, refs: Refs, spec: Fields): Record<string, Ref> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, [type, wrap, description]]) => [
      name,
      t.field({ ...out(refs.has(type) ? refs.get(type) : type, wrap), description, resolve: (p: Record<string, unknown>) => p[name] ?? null }),
    ]),
  );
}

function inputs(t: Ref, spec: Fields): Record<string, Ref> {
  return Object.fromEntries(Object.entries(spec).map(([name, [type, wrap, description]]) => [name, t.field({ ...inp(type, wrap), description })]));
}

const FUNCTION: Fields = {
  functionName: ['String', '!', 'The function, as callCloudCode names it.'],
  url: ['String', '!', 'Where calls are POSTed.'],
};
const TRIGGER: Fields = {
  className: ['String', '!', 'The class, as stored (`_User`).'],
  triggerName: ['String', '!', 'beforeSave, afterSave, beforeDelete or afterDelete.'],
  url: ['String', '!', 'Where the trigger POSTs; after-triggers are delivered at least once, after the write commits.'],
};
const CLIENT_ID: Fields = { clientMutationId: ['String', ''] };

/** Defines the hook types (in every schema: the fields answer even while no hook exists). */
export function defineWebhookTypes(builder: Ref, refs: Refs): void {
  const object = (name: string, description: string, spec: Fields) =>
    refs.set(name, builder.objectRef(name).implement({ description, fields: (t: Ref) => fields(t, refs, spec) }));
  object('FunctionHook', 'A cloud function served by a webhook.', FUNCTION);
  object('TriggerHook', 'A trigger served by a webhook.', TRIGGER);
  object('WebhookFailure', 'An after-trigger delivery that failed for good (attempts exhausted, or refused by the receiver).', {
    id: ['ID', '!', 'The delivery’s id (its X-Plinth-Delivery-Id header).'],
    failedAt: ['Date', '!'],
    className: ['String', '!'],
    triggerName: ['String', '!'],
    objectId: ['String', ''],
    url: ['String', '!'],
    attempts: ['Int', '!'],
    error: ['String', '!', 'The last attempt’s error.'],
    body: ['Object', '!', 'The JSON body that was sent.'],
  });
  const input = (name: string, spec: Fields) => refs.set(name, builder.inputType(name, { fields: (t: Ref) => inputs(t, { ...spec, ...CLIENT_ID }) }));
  const payload = (name: string, field: string, type: string, spec: Spec) =>
    refs.set(name, builder.objectRef(name).implement({ fields: (t: Ref) => fields(t, refs, { [field]: [type, spec], ...CLIENT_ID }) }));
  const FUNCTION_NAME: Fields = { functionName: FUNCTION.functionName };
  const TRIGGER_NAME: Fields = { className: TRIGGER.className, triggerName: TRIGGER.triggerName };
  input('CreateFunctionHookInput', FUNCTION);
  input('UpdateFunctionHookInput', FUNCTION);
  input('DeleteFunctionHookInput', FUNCTION_NAME);
  input('CreateTriggerHookInput', TRIGGER);
  input('UpdateTriggerHookInput', TRIGGER);
  input('DeleteTriggerHookInput', TRIGGER_NAME);
  for (const verb of ['Create', 'Update', 'Delete']) {
    const spec: Spec = verb === 'Delete' ? '' : '!';
    payload(`${verb}FunctionHookPayload`, 'functionHook', 'FunctionHook', spec);
    payload(`${verb}TriggerHookPayload`, 'triggerHook', 'TriggerHook', spec);
  }
}

function service(c: GraphQLContext) {
  if (!c.auth.isMaster) throw errors.masterKeyRequired();
  if (!c.cloud?.webhooks) throw errors.invalidQuery('Webhooks are not available on this server.');
  return c.cloud.webhooks;
}

/** `functionHooks`, `triggerHooks` and `webhookFailures` (master key only). */
export function webhookQueryFields(refs: Refs, t: Ref): Record<string, Ref> {
  return {
    functionHooks: t.field({
      ...out(refs.get('FunctionHook'), '[!]!'),
      description: 'The cloud functions served by webhooks (master key only).',
      resolve: (_r: unknown, _a: unknown, c: GraphQLContext) => service(c).functions(c.auth),
    }),
    triggerHooks: t.field({
      ...out(refs.get('TriggerHook'), '[!]!'),
      description: 'The triggers served by webhooks (master key only).',
      resolve: (_r: unknown, _a: unknown, c: GraphQLContext) => service(c).triggers(c.auth),
    }),
    webhookFailures: t.field({
      ...out(refs.get('WebhookFailure'), '[!]!'),
      description: 'After-trigger deliveries that failed for good, newest first (master key only).',
      args: { first: t.arg({ ...inp('Int', ''), description: 'How many (default 100, at most 1000).' }) },
      resolve: (_r: unknown, { first }: { first?: number | null }, c: GraphQLContext): Promise<WebhookFailure[]> => service(c).failures(c.auth, first ?? 100),
    }),
  };
}

type Input = { functionName?: string; className?: string; triggerName?: string; url?: string; clientMutationId?: string | null };

/** The six hook mutations (master key only; Parse's rules and messages, 143). */
export function webhookMutationFields(refs: Refs, t: Ref): Record<string, Ref> {
  const field = (
    verb: 'Create' | 'Update' | 'Delete',
    kind: 'Function' | 'Trigger',
    description: string,
    run: (c: GraphQLContext, input: Input) => Promise<StoredHook | undefined>,
  ) =>
    t.field({
      ...out(refs.get(`${verb}${kind}HookPayload`), ''),
      description,
      args: { input: t.arg(inp(refs.get(`${verb}${kind}HookInput`), '!')) },
      resolve: async (_r: unknown, { input }: { input: Input }, c: GraphQLContext) => {
        const hook = (await run(c, input)) ?? null;
        return { [kind === 'Function' ? 'functionHook' : 'triggerHook']: hook, clientMutationId: input.clientMutationId ?? null };
      },
    });
  const declared = ({ clientMutationId: _id, ...declaration }: Input) => declaration;
  return {
    createFunctionHook: field(
      'Create',
      'Function',
      'Serves a cloud function by a webhook: calls POST Parse’s function body to the URL (master key only).',
      (c, i) => service(c).create(c.auth, declared(i)),
    ),
    updateFunctionHook: field('Update', 'Function', 'Changes the URL of a function hook (master key only).', (c, i) => service(c).update(c.auth, declared(i))),
    deleteFunctionHook: field('Delete', 'Function', 'Removes a function hook; answers it as it was, or null when there was none (master key only).', (c, i) =>
      service(c).deleteFunction(c.auth, i.functionName!),
    ),
    createTriggerHook: field('Create', 'Trigger', 'Serves a trigger of a class by a webhook (master key only).', (c, i) =>
      service(c).create(c.auth, declared(i)),
    ),
    updateTriggerHook: field('Update', 'Trigger', 'Changes the URL of a trigger hook (master key only).', (c, i) => service(c).update(c.auth, declared(i))),
    deleteTriggerHook: field('Delete', 'Trigger', 'Removes a trigger hook; answers it as it was, or null when there was none (master key only).', (c, i) =>
      service(c).deleteTrigger(c.auth, i.className!, i.triggerName!),
    ),
  };
}
