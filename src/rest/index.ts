export { createRestApi, type RestApi } from './api.ts';
export type { RestDeps } from './deps.ts';
