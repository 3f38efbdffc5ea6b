// Preloaded into the server under soak (`node --import …/heap-probe.mjs dist/cli.js start`): once a
// second, writes the process's `process.memoryUsage()` as JSON to SOAK_HEAP_FILE (through a
// rename, so that a reader never sees half a file). The server's own code is not changed; the
// timer is unref'd, so it never keeps the process alive.
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.SOAK_HEAP_FILE;
if (file) {
  const timer = setInterval(() => {
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // the folder went away: the soak is over
    }
  }, 1000);
  timer.unref();
}
