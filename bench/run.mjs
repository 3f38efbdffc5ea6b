#!/usr/bin/env node
// `npm run bench`: builds Plinth, then measures each target of BENCH_TARGETS (default pg,pglite)
// one after the other with the vendored harness (harness/), each on fresh data in a fresh server
// process, and prints a summary table. See README.md for the options and how to read the output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOptions } from './runner/options.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const log = (msg) => process.stderr.write(`[run] ${msg}\n`);

/**
 * Installs bench/package.json's dependencies (undici and ws for the harness, pg for the floor and
 * the runner) into bench/node_modules when missing or older than the lock file. They are kept out
 * of Plinth's own dependencies.
 */
function installDependencies() {
  const installed = path.join(benchDir, 'node_modules/.package-lock.json');
  const lock = path.join(benchDir, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing the bench dependencies (npm ci in bench/)');
  mustSucceed('npm', ['ci', '--no-audit', '--no-fund'], benchDir);
}

/** Builds dist/ from src/, so that the measured server is the current source. */
function buildPlinth() {
  log('building Plinth (npm run build)');
  mustSucceed('npm', ['run', 'build', '--silent'], repoDir);
}

function mustSucceed(command, args, cwd) {
  // stdout goes to stderr: our stdout carries only the summary.
  const r = spawnSync(command, args, { cwd, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
}

async function main() {
  const opts = loadOptions(process.env, { benchDir, repoDir });
  installDependencies();
  if (opts.build) buildPlinth();
  mkdirSync(opts.outDir, { recursive: true });
  // Imported only now: they need the packages installed above.
  const { planSteps, runStep } = await import('./runner/steps.mjs');
  const { runPending } = await import('./runner/cleanup.mjs');
  const { summarize } = await import('./runner/summary.mjs');

  // Ctrl-C: stop our servers, drop our databases, then leave.
  const interrupt = (signal) => runPending().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  log(`targets ${opts.targets.join(' → ')}; results in ${opts.outDir}`);
  const outcomes = [];
  for (const step of planSteps(opts)) outcomes.push(await runStep(opts, step));

  const summary = summarize(opts, outcomes);
  writeFileSync(path.join(opts.outDir, 'summary.txt'), summary);
  process.stdout.write('\n' + summary);
  // Non-zero when a step failed or a response was wrong, so that a script can tell.
  const clean = outcomes.every((o) => !o.failure && o.harnessExitCodes.every((c) => c === 0));
  return clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error.message);
    process.exit(2);
  },
);
