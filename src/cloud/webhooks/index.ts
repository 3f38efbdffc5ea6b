export { Webhooks, type WebhooksOptions } from './service.ts';
export { WebhookRegistry, combineRegistry } from './combine.ts';
export { WEBHOOK_QUEUE, type DeliveryData } from './deliveries.ts';
export { WEBHOOK_ERROR } from './declarations.ts';
export { showHookLocations } from './view.ts';
export { SIGNATURE_HEADER, signatureHeader, verifyWebhookSignature, type VerifyOptions } from './signature.ts';
export type { FunctionHook, TriggerHook, StoredHook, HookDeclaration, HookTriggerName, WebhookFailure } from './types.ts';
