import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadOpsConfig } from '../../src/config/ops.ts';
import { limitHeapGrowth } from '../../src/server/heap-growth.ts';

const run = promisify(execFile);
const CHILD = path.resolve(import.meta.dirname, '../fixtures/heap-growth-child.ts');

/** The largest heap (MB) a process of its own reached under a push-like allocation pattern, with the setting at `percent`. */
async function largestHeap(percent: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, String(percent)], { cwd: path.resolve(import.meta.dirname, '../..') });
  return JSON.parse(stdout).largestMB;
}

const DEFAULT_PERCENT = loadOpsConfig({}, false).heapGrowthPercent;

describe('PLINTH_HEAP_GROWTH_PERCENT', () => {
  it('is 100 by default, 0 turns it off, and anything else is refused by name', () => {
    expect(DEFAULT_PERCENT).toBe(100);
    expect(loadOpsConfig({ PLINTH_HEAP_GROWTH_PERCENT: '0' }, false).heapGrowthPercent).toBe(0);
    expect(loadOpsConfig({ PLINTH_HEAP_GROWTH_PERCENT: '120' }, false).heapGrowthPercent).toBe(120);
    for (const bad of ['-5', '1.5', 'lots', '5000']) {
      expect(() => loadOpsConfig({ PLINTH_HEAP_GROWTH_PERCENT: bad }, false)).toThrow(/PLINTH_HEAP_GROWTH_PERCENT must be an integer from 0 to 1000/);
    }
  });

  it('keeps garbage that outlived the young generation from piling up: well under the heap of V8 left alone', async () => {
    // Each in a process of its own: the setting is process-wide, and V8 applies it at every full collection.
    const [unlimited, limited] = await Promise.all([largestHeap(0), largestHeap(DEFAULT_PERCENT)]);
    expect(limited).toBeLessThan(unlimited * 0.7);
  }, 60_000);

  it('leaves a value given to node itself alone, with dashes or underscores, in its arguments or NODE_OPTIONS', () => {
    // (Only calls that change nothing run here: the flag would otherwise stay set in this test process.)
    expect(limitHeapGrowth(0, [], '')).toBe(false);
    expect(limitHeapGrowth(50, ['--heap-growing-percent=20'], '')).toBe(false);
    expect(limitHeapGrowth(50, ['--heap_growing_percent=20'], '')).toBe(false);
    expect(limitHeapGrowth(50, [], '--max-old-space-size=512 --heap-growing-percent=30')).toBe(false);
  });
});
