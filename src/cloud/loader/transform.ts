import { createRequire } from 'node:module';
import path from 'node:path';
import type { TransformOptions, TransformResult } from 'jiti';
import { CloudLoadError } from './load-error.ts';
import { takeInlineSourceMap } from './source-maps.ts';

const require = createRequire(import.meta.url);

/** jiti's own Babel transform (TypeScript, ESM → its module wrapper, lines kept in place). */
let babel: ((options: TransformOptions) => TransformResult) | undefined;
function babelTransform(options: TransformOptions): TransformResult {
  babel ??= require(path.join(path.dirname(require.resolve('jiti/package.json')), 'dist/babel.cjs')) as (options: TransformOptions) => TransformResult;
  return babel(options);
}

interface Transpiled {
  source: string;
  async: boolean;
  code: string;
}

/**
 * The last transpiled code of each cloud file. A reload transpiles only the files that
 * changed: Babel takes ~100 ms a file, and re-running it on every save grows the heap.
 */
const transpiled = new Map<string, Transpiled>();

/**
 * The transform a loader's jiti instance runs for every file it evaluates (jiti's disk cache is
 * off: this one is in memory). `onFile` hears every file, the failing one included, so that the
 * watcher sees it. A syntax error is thrown as a CloudLoadError with the file and line; the
 * file's source map is kept for the positions of stack frames (source-maps.ts).
 */
export function cloudTransform(onFile: (file: string) => void): (options: TransformOptions) => TransformResult {
  return (options) => {
    const file = options.filename;
    if (file) onFile(file);
    const async = options.async === true;
    const known = file ? transpiled.get(file) : undefined;
    if (known && known.source === options.source && known.async === async) return { code: known.code };
    const result = babelTransform({ ...options, babel: { ...options.babel, sourceFileName: file, sourceMaps: 'inline' } });
    if (result.error) throw syntaxError(file ?? '<cloud code>', result.error);
    const code = file ? takeInlineSourceMap(file, result.code) : result.code;
    if (file) transpiled.set(file, { source: options.source, async, code });
    return { code };
  };
}

function syntaxError(file: string, error: { message?: string; loc?: { line?: number; column?: number } }): CloudLoadError {
  const line = error.loc?.line;
  // Babel's columns count from 0; editors and stack traces count from 1.
  const column = error.loc?.column === undefined ? undefined : error.loc.column + 1;
  // Babel ends its message with "(line:column)", which the location already says.
  const message = (error.message ?? 'Syntax error').replace(/^\/?:\s*/, '').replace(/\s*\(\d+:\d+\)\s*$/, '');
  return new CloudLoadError(`SyntaxError: ${message}`, { file, line, column });
}
