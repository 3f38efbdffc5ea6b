import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../config/logger.ts';

export interface WatchOptions {
  /** Quiet time after the last change before `onChange` runs (default 100 ms). */
  debounceMs?: number;
  /** How often a directory that is gone is looked for again (default 1 s). */
  retryMs?: number;
  /** Where a failing `onChange` or a watch that cannot be set up is reported. */
  log?: Pick<Logger, 'warn' | 'error'>;
}

export interface CloudFilesWatcher {
  /** Watches these files instead (after a reload that imports other files). */
  update(files: string[]): void;
  /** Stops watching; `onChange` is not called again. */
  close(): void;
}

/**
 * Watches the cloud files and calls `onChange` once per burst of changes, after `debounceMs`
 * of quiet. Runs in development; it never throws into the server and keeps no process alive.
 *
 * It watches the files' directories rather than the files: an editor that saves by writing a
 * new file and renaming it over the old one, or a file deleted and created again, leaves a
 * watch on the old file dead, while the directory sees each of these by name. A directory
 * that disappears is looked for again every `retryMs`, and its return counts as a change.
 * While an `onChange` that returned a promise runs, further changes wait for it and then
 * cause one more call.
 */
export function watchCloudFiles(files: string[], onChange: () => void | Promise<void>, options: WatchOptions = {}): CloudFilesWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const retryMs = options.retryMs ?? 1000;
  /** The watched file names of each directory. */
  let names = new Map<string, Set<string>>();
  const watchers = new Map<string, FSWatcher>();
  const retries = new Map<string, NodeJS.Timeout>();
  let debounce: NodeJS.Timeout | undefined;
  let running = false;
  let pending = false;
  let closed = false;

  const changed = () => {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(fire, debounceMs);
    debounce.unref();
  };

  async function fire(): Promise<void> {
    if (closed) return;
    if (running) {
      pending = true;
      return;
    }
    running = true;
    try {
      await onChange();
    } catch (error) {
      options.log?.error({ err: error }, 'cloud code reload failed');
    } finally {
      running = false;
      if (pending) {
        pending = false;
        changed();
      }
    }
  }

  function watchDirectory(dir: string): void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        // Removing or renaming the directory ends the watch without an error (Linux).
        if (!existsSync(dir)) return lost(dir);
        if (name === null || names.get(dir)?.has(String(name))) changed();
      });
      watcher.on('error', () => lost(dir));
      watchers.set(dir, watcher);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.log?.warn({ err: error, dir }, 'cannot watch a cloud code directory; retrying');
      retryLater(dir);
    }
  }

  function lost(dir: string): void {
    watchers.get(dir)?.close();
    watchers.delete(dir);
    changed();
    retryLater(dir);
  }

  function retryLater(dir: string): void {
    if (closed || retries.has(dir)) return;
    const timer = setTimeout(() => {
      retries.delete(dir);
      if (closed || !names.has(dir) || watchers.has(dir)) return;
      if (!existsSync(dir)) return retryLater(dir);
      watchDirectory(dir);
      // Files may have come back while nothing watched them.
      changed();
    }, retryMs);
    timer.unref();
    retries.set(dir, timer);
  }

  function update(next: string[]): void {
    if (closed) return;
    try {
      names = new Map();
      for (const file of next) {
        const absolute = path.resolve(file);
        const dir = path.dirname(absolute);
        const set = names.get(dir) ?? new Set<string>();
        set.add(path.basename(absolute));
        names.set(dir, set);
      }
      for (const [dir, watcher] of watchers) {
        if (names.has(dir)) continue;
        watcher.close();
        watchers.delete(dir);
      }
      for (const [dir, timer] of retries) {
        if (names.has(dir)) continue;
        clearTimeout(timer);
        retries.delete(dir);
      }
      for (const dir of names.keys()) if (!watchers.has(dir) && !retries.has(dir)) watchDirectory(dir);
    } catch (error) {
      options.log?.error({ err: error }, 'cannot watch the cloud code files');
    }
  }

  update(files);
  return {
    update,
    close() {
      closed = true;
      clearTimeout(debounce);
      for (const timer of retries.values()) clearTimeout(timer);
      retries.clear();
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
