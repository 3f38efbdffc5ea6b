import type { CloudSetup } from './types.ts';

/**
 * Types a cloud file's default export: `export default defineCloud((cloud) => { … })`. It
 * returns its argument unchanged — a plain `export default (cloud) => { … }` works the same.
 */
export function defineCloud(setup: CloudSetup): CloudSetup {
  return setup;
}
