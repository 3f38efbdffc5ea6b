#!/usr/bin/env node
// Generates the Prisma client into src/db/generated. Prisma's CLI insists on locating a
// schema-engine binary even though generation needs none; on machines that cannot download
// it, pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets generation proceed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= process.execPath;
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
