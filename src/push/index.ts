export { PushService, type PushTriggers, type SendPushOptions } from './service.ts';
export { checkPush, type PushInput, type PushRequest } from './request.ts';
export { createProviders, providerFor } from './providers/index.ts';
