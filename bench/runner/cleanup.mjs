// Undo actions (stop a server, drop a database, remove a folder), registered as they become
// needed, so that a failure or Ctrl-C in the middle of a step still leaves nothing behind.
const pending = new Set();

/**
 * Registers `fn` and returns a function that runs it at most once (later calls do nothing);
 * its `cancel()` forgets `fn` without running it (the thing to undo went away by itself).
 */
export function defer(fn) {
  const entry = { fn, done: false };
  pending.add(entry);
  const run = async () => {
    if (entry.done) return;
    entry.done = true;
    pending.delete(entry);
    await fn();
  };
  run.cancel = () => {
    entry.done = true;
    pending.delete(entry);
  };
  return run;
}

/** Runs every action not yet run, newest first; used when the runner is interrupted. */
export async function runPending() {
  for (const entry of [...pending].reverse()) {
    if (entry.done) continue;
    entry.done = true;
    pending.delete(entry);
    try {
      await entry.fn();
    } catch (error) {
      process.stderr.write(`[run] clean-up failed: ${error.message}\n`);
    }
  }
}
