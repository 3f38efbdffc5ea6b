import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CloudSetup } from '../types.ts';
import { importFresh } from './fresh-import.ts';
import { CloudLoadError, toLoadError } from './load-error.ts';

/** A cloud file, loaded: its setup function, and the files to watch for a reload. */
export interface LoadedCloudModule {
  /** The default export: `(cloud) => { cloud.define(…) }`, not yet run. */
  setup: CloudSetup;
  /** Absolute paths of the entry and of every local (non-node_modules) file it imported. */
  files: string[];
}

const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * Imports the cloud file `entry` afresh — its own code and its local imports as they are on
 * disk now, TypeScript included — and returns its default export, unrun. Runs at start-up and
 * on every reload; it changes nothing in the server. `import … from 'plinth'` in the file gets
 * this server's own exports.
 *
 * Throws a CloudLoadError naming the file and line (of the user's source) when the file is
 * missing, does not parse, throws while its modules run, or has no default export function;
 * its `files` say what to watch for the fix.
 */
export async function loadCloudModule(entry: string): Promise<LoadedCloudModule> {
  const file = path.resolve(entry);
  const files = new Set<string>([file]);
  if (!EXTENSIONS.includes(path.extname(file))) throw watching(files, new CloudLoadError(`a cloud file must be a ${EXTENSIONS.join(', ')} module`, { file }));
  if (!existsSync(file)) throw watching(files, new CloudLoadError('no such file', { file }));
  let exports: unknown;
  try {
    exports = await importFresh(file, (loaded) => files.add(loaded));
  } catch (error) {
    throw watching(files, toLoadError(error, file, files));
  }
  const setup = defaultExport(exports);
  if (setup === undefined) throw watching(files, new CloudLoadError('no default export: export default defineCloud((cloud) => { … })', { file }));
  if (typeof setup !== 'function')
    throw watching(
      files,
      new CloudLoadError(`the default export must be a function (cloud) => { … }, not ${setup === null ? 'null' : typeof setup}`, { file }),
    );
  return { setup: setup as CloudSetup, files: [...files] };
}

function watching(files: Set<string>, error: CloudLoadError): CloudLoadError {
  error.files = [...files];
  return error;
}

/** An ES module's default export; a CommonJS module's `module.exports` (as Node's import gives it). */
function defaultExport(exports: unknown): unknown {
  if (exports !== null && typeof exports === 'object' && ('__esModule' in exports || 'default' in exports)) return (exports as { default?: unknown }).default;
  return exports;
}
