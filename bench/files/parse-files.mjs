// Preloaded into Parse Server for the files scenario (`node --import <this> start.mjs`, or before
// cloud/parse-start.mjs): Parse Server 9 stores files in GridFS on MongoDB by default, which a
// PostgreSQL database does not have, so it gets @parse/fs-files-adapter (its own dependency) in
// PARSE_FILES_DIR, and PARSE_MAX_UPLOAD_SIZE (default 20mb) for the large upload. A preload that
// adds these two options to ParseServer.startApp, rather than a third copy of the anchor's
// options: it works the same under the anchor's start.mjs and under the cloud wrapper.
//
// Env: PARSE_SERVER_DIR (required: the anchor folder whose node_modules holds parse-server),
// PARSE_FILES_DIR (required), PARSE_MAX_UPLOAD_SIZE (Parse's format, e.g. 1025mb).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const env = process.env;
for (const name of ['PARSE_SERVER_DIR', 'PARSE_FILES_DIR']) {
  if (!env[name]) {
    console.error(`${name} is required (files/parse-files.mjs)`);
    process.exit(2);
  }
}
const entry = createRequire(path.join(path.resolve(env.PARSE_SERVER_DIR), 'package.json')).resolve('parse-server');
// The same module (the same URL) that start.mjs's `import 'parse-server'` resolves to, so the patch below is the one it calls.
const pkg = (await import(pathToFileURL(entry).href)).default;
const FSFilesAdapter = createRequire(entry)('@parse/fs-files-adapter');

// The adapter keeps its files in `./files` of the working directory, read at every call.
mkdirSync(env.PARSE_FILES_DIR, { recursive: true });
process.chdir(env.PARSE_FILES_DIR);
const filesAdapter = new FSFilesAdapter();

const ParseServer = pkg.ParseServer || pkg.default;
const startApp = ParseServer.startApp;
ParseServer.startApp = (options) => startApp({ ...options, filesAdapter, ...(env.PARSE_MAX_UPLOAD_SIZE ? { maxUploadSize: env.PARSE_MAX_UPLOAD_SIZE } : {}) });
console.log(`[files] Parse files in ${path.join(env.PARSE_FILES_DIR, 'files')} (fs adapter), maxUploadSize ${env.PARSE_MAX_UPLOAD_SIZE || 'default'}`);
