export { LiveHub, type LiveHubOptions } from './hub.ts';
export { publishChanges, publishSessionsEnded, type PublishOptions, type EndedSessionsSource } from './publish.ts';
export type { SessionExpiries } from './session-watch.ts';
export { SharedInterest, type SharedInterestOptions } from './interest.ts';
