import { LRUCache } from 'lru-cache';

/**
 * Parsed documents kept for reuse (and, through them, their validation results and compiled
 * plans, which are cached per document object). Bounded by entries and by total source size:
 * a bulk mutation with its values inlined is large and seldom sent twice, and a cache of a
 * thousand of them would hold hundreds of megabytes.
 */
export function documentCache<T extends object>(): { get(key: string): T | undefined; set(key: string, value: T): void } {
  const cache = new LRUCache<string, T>({
    max: 1024,
    // Sizes are source lengths; a parsed document takes a few dozen times its source in memory.
    maxSize: 2 * 1024 * 1024,
    sizeCalculation: (_value, key) => Math.max(1, key.length),
    // Larger documents are parsed every time rather than cached.
    maxEntrySize: 64 * 1024,
  });
  return {
    get: (key) => cache.get(key),
    set: (key, value) => {
      cache.set(key, value);
    },
  };
}
