export { openLiveResultSet, DEFAULT_DEBOUNCE_MS, type LiveResultSetOptions } from './live-result-set.ts';
export { findResultFingerprint } from './fingerprint.ts';
export { classesReadBy } from './dependencies.ts';
export { endsSessionOf } from './session-end.ts';
export { wherePrefilter } from './prefilter.ts';
