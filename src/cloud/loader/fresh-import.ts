import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Jiti, JitiOptions } from 'jiti';
import { cloudTransform } from './transform.ts';
import { plinthModule } from './plinth-module.ts';

const require = createRequire(import.meta.url);

/** Files the loader transpiles itself rather than leave to Node (whose module cache never forgets). */
const TRANSPILED = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']);

/**
 * jiti's factory under its public `createJiti`, which takes a third argument the public one
 * fills in: how to import natively, and the module the loaded ones hang under. Plinth needs
 * both (see importFresh); jiti is pinned to a minor version and the loader's tests cover this.
 */
type JitiFactory = (
  id: string,
  options: JitiOptions,
  context: { onError(error: unknown): never; nativeImport(id: unknown): Promise<unknown>; createRequire: typeof createRequire; parentModule: Module },
) => Jiti;

let factory: JitiFactory | undefined;
function jitiFactory(): JitiFactory {
  factory ??= require(path.join(path.dirname(require.resolve('jiti/package.json')), 'dist/jiti.cjs')) as JitiFactory;
  return factory;
}

function inNodeModules(file: string): boolean {
  return file.split(path.sep).includes('node_modules');
}

function localPath(id: unknown): string | undefined {
  const text = id instanceof URL ? id.href : typeof id === 'string' ? id : undefined;
  if (!text) return undefined;
  const file = text.startsWith('file://') ? fileURLToPath(text) : text;
  return path.isAbsolute(file) ? file : undefined;
}

/**
 * Evaluates `entry` and every local file it imports anew — never a cached copy — with
 * TypeScript support, and returns the entry's `module.exports`. Each call runs in its own jiti
 * instance with its module cache off; installed packages (node_modules) are imported natively,
 * once per process, and shared between loads. `onFile` hears each local file the load reads,
 * including one that fails.
 *
 * Why jiti's inner factory: jiti leaves `.mjs` files (and `.js` in a `"type": "module"`
 * package) to Node's own `import()`, whose cache can never be cleared, so an edited `.mjs`
 * file would never reload. Refusing those native imports for local files makes jiti fall back
 * to transpiling them like the rest.
 */
export async function importFresh(entry: string, onFile: (file: string) => void): Promise<unknown> {
  const root = new Module('<plinth cloud code>');
  const required = new Set(Object.keys(require.cache));
  const isLocal = (file: string) => file === entry || (!inNodeModules(file) && TRANSPILED.has(path.extname(file)));
  const jiti = jitiFactory()(
    entry,
    {
      moduleCache: false,
      fsCache: false,
      sourceMaps: false,
      transform: cloudTransform((file) => {
        if (!inNodeModules(file) || file === entry) onFile(file);
      }),
      virtualModules: { plinth: plinthModule },
    },
    {
      onError(error) {
        throw error;
      },
      nativeImport(id) {
        const file = localPath(id);
        if (file && isLocal(file)) return Promise.reject(new Error(`${file} is transpiled by the cloud loader`));
        return import(id instanceof URL ? id.href : String(id));
      },
      createRequire,
      parentModule: root,
    },
  );
  try {
    await jiti.import(entry);
    return root.children[0]?.exports;
  } finally {
    forgetRequired(required, onFile);
  }
}

/** What Node's require may have cached for a cloud file (never a native addon: it cannot load twice). */
const REQUIRED = new Set(['.json', '.js', '.cjs']);

/**
 * A local `.json` file (and a CommonJS file a cloud file `require`s) goes through Node's
 * require cache: drop what this load added, so that the next load reads it afresh.
 */
function forgetRequired(before: ReadonlySet<string>, onFile: (file: string) => void): void {
  for (const key of Object.keys(require.cache)) {
    if (before.has(key) || !path.isAbsolute(key) || inNodeModules(key) || !REQUIRED.has(path.extname(key))) continue;
    delete require.cache[key];
    onFile(key);
  }
}
