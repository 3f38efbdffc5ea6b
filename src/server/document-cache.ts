import { LRUCache } from 'lru-cache';

function sourceCache<T extends {}>(maxSize: number): LRUCache<string, T> {
  return new LRUCache<string, T>({
    max: 1024,
    maxSize,
    // Sizes are source lengths; a parsed document takes a few dozen times its source in memory.
    sizeCalculation: (_value, key) => Math.max(1, key.length),
    // Larger documents are parsed every time rather than cached.
    maxEntrySize: 64 * 1024,
  });
}

/**
 * Parsed documents kept for reuse (and, through them, their validation results and compiled
 * plans, which are cached per document object). Bounded by entries and by total source size.
 *
 * A document enters the main cache (2 MiB of source) on its second request; until then it waits
 * in a small one (256 KiB). An app's operations come again and again and move over at once; a
 * bulk mutation with its values inlined (an import, a seed) comes once and only churns the
 * small cache. Without it, a 10,000-object import left ~85 MB of parsed one-off documents in the
 * heap, and the server's reads then cost about twice the CPU (every full collection marked them).
 */
export function documentCache<T extends object>(): { get(key: string): T | undefined; set(key: string, value: T): void } {
  const cache = sourceCache<T>(2 * 1024 * 1024);
  const seenOnce = sourceCache<T>(256 * 1024);
  return {
    get: (key) => {
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const second = seenOnce.get(key);
      if (second === undefined) return undefined;
      seenOnce.delete(key);
      cache.set(key, second);
      return second;
    },
    set: (key, value) => {
      seenOnce.set(key, value);
    },
  };
}
