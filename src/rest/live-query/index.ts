export { attachLiveQuery, isLiveQueryUrl, TOO_MANY_CONNECTIONS, type LiveQueryServer } from './server.ts';
export type { LiveQueryOptions } from './context.ts';
