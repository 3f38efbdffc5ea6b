import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchCloudFiles, type CloudFilesWatcher } from '../../src/cloud/loader/index.ts';

const DEBOUNCE = 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for fs events and the debounce to have run their course. */
const settle = () => sleep(DEBOUNCE * 6);
/** fs events can be slow on a busy machine: wait for them generously. */
const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 5000, interval: 20 });

let dir: string;
let watcher: CloudFilesWatcher | undefined;
afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function setup(files: Record<string, string>): { file: (name: string) => string; changes: () => number } {
  dir = mkdtempSync(path.join(tmpdir(), 'plinth-watch-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  let count = 0;
  const file = (name: string) => path.join(dir, name);
  watcher = watchCloudFiles(
    Object.keys(files).map(file),
    () => {
      count++;
    },
    { debounceMs: DEBOUNCE, retryMs: 50 },
  );
  return { file, changes: () => count };
}

describe('watchCloudFiles', () => {
  it('calls back once for a burst of changes, and again for a later one', async () => {
    const { file, changes } = setup({ 'main.ts': 'a', 'lib/helper.ts': 'a' });
    await sleep(20);
    for (let i = 0; i < 5; i++) {
      writeFileSync(file('main.ts'), `edit ${i}`);
      writeFileSync(file('lib/helper.ts'), `edit ${i}`);
    }
    await until(() => expect(changes()).toBe(1));
    await settle();
    expect(changes()).toBe(1);

    writeFileSync(file('lib/helper.ts'), 'later');
    await until(() => expect(changes()).toBe(2));
  });

  it('ignores other files in the same directories', async () => {
    const { file, changes } = setup({ 'main.ts': 'a' });
    writeFileSync(file('notes.txt'), 'not cloud code');
    await settle();
    expect(changes()).toBe(0);
  });

  it('sees a save by rename (editors) and a file deleted then created again', async () => {
    const { file, changes } = setup({ 'main.ts': 'a' });
    await sleep(20);
    writeFileSync(file('.main.ts.swp'), 'b');
    renameSync(file('.main.ts.swp'), file('main.ts'));
    await until(() => expect(changes()).toBe(1));

    unlinkSync(file('main.ts'));
    await until(() => expect(changes()).toBe(2));
    writeFileSync(file('main.ts'), 'c');
    await until(() => expect(changes()).toBe(3));
    // Still watching after all that.
    writeFileSync(file('main.ts'), 'd');
    await until(() => expect(changes()).toBe(4));
  });

  it('keeps watching a directory that is removed and created again', async () => {
    const { file, changes } = setup({ 'lib/helper.ts': 'a', 'main.ts': 'a' });
    await sleep(20);
    rmSync(file('lib'), { recursive: true });
    await until(() => expect(changes()).toBeGreaterThanOrEqual(1));
    mkdirSync(file('lib'));
    writeFileSync(file('lib/helper.ts'), 'b');
    const afterReturn = changes();
    await until(() => expect(changes()).toBeGreaterThan(afterReturn));
    await settle();
    const settled = changes();
    writeFileSync(file('lib/helper.ts'), 'c');
    await until(() => expect(changes()).toBe(settled + 1));
  });

  it('watches the new list after update, and nothing after close', async () => {
    const { file, changes } = setup({ 'main.ts': 'a', 'old/helper.ts': 'a' });
    mkdirSync(file('new'));
    writeFileSync(file('new/helper.ts'), 'a');
    watcher!.update([file('main.ts'), file('new/helper.ts')]);
    await sleep(20);
    writeFileSync(file('old/helper.ts'), 'b');
    await settle();
    expect(changes()).toBe(0);
    writeFileSync(file('new/helper.ts'), 'b');
    await until(() => expect(changes()).toBe(1));

    watcher!.close();
    writeFileSync(file('main.ts'), 'b');
    await settle();
    expect(changes()).toBe(1);
  });

  it('survives a callback that throws or rejects, and runs again after a slow one', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'plinth-watch-'));
    const file = path.join(dir, 'main.ts');
    writeFileSync(file, 'a');
    const log = { warn: vi.fn(), error: vi.fn() };
    let calls = 0;
    let release: () => void = () => {};
    watcher = watchCloudFiles(
      [file],
      () => {
        calls++;
        if (calls === 1) throw new Error('sync failure');
        if (calls === 2) return Promise.reject(new Error('async failure'));
        if (calls === 3) return new Promise<void>((resolve) => (release = resolve));
      },
      { debounceMs: DEBOUNCE, log },
    );
    await sleep(20);
    writeFileSync(file, 'b');
    await until(() => expect(log.error).toHaveBeenCalledTimes(1));
    writeFileSync(file, 'c');
    await until(() => expect(log.error).toHaveBeenCalledTimes(2));
    writeFileSync(file, 'd');
    await until(() => expect(calls).toBe(3));
    // Changes while the slow call runs: one more call once it is done, not one per change.
    writeFileSync(file, 'e');
    await settle();
    writeFileSync(file, 'f');
    await settle();
    expect(calls).toBe(3);
    release();
    await until(() => expect(calls).toBe(4));
    await settle();
    expect(calls).toBe(4);
  });

  it('waits for a directory that does not exist yet', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'plinth-watch-'));
    const file = path.join(dir, 'later', 'main.ts');
    let calls = 0;
    watcher = watchCloudFiles([file], () => void calls++, { debounceMs: DEBOUNCE, retryMs: 50 });
    await settle();
    expect(calls).toBe(0);
    mkdirSync(path.dirname(file));
    writeFileSync(file, 'a');
    await until(() => expect(calls).toBeGreaterThanOrEqual(1));
  });
});
