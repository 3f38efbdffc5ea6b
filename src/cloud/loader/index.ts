export { loadCloudModule, type LoadedCloudModule } from './load-cloud-module.ts';
export { watchCloudFiles, type CloudFilesWatcher, type WatchOptions } from './watch-cloud-files.ts';
export { CloudLoadError, type LoadErrorLocation } from './load-error.ts';
