export { createRestApi, type RestApi, type RestHttpRequest } from './api.ts';
export { JsonAnswer } from './respond.ts';
export type { RestDeps } from './deps.ts';
