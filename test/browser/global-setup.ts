import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Once per run of the browser project: the browser must be there (CI installs Debian's chromium
// with apt; a missing browser fails the suite, it never skips it), and dist/dashboard is built
// when it is missing or older than the dashboard's source.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.PLINTH_CHROMIUM ?? '/usr/bin/chromium';

function newest(target: string): number {
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const name of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, name)));
  return latest;
}

export default function setup(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (.ci/run does).`);
  }
  const built = path.join(ROOT, 'dist/dashboard/index.html');
  const sources = ['dashboard/src', 'dashboard/index.html', 'dashboard/vite.config.ts'].map((p) => path.join(ROOT, p)).filter(existsSync);
  const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
  if (stale) execFileSync('npm', ['run', 'build:dashboard', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
