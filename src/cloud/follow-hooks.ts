import type { CloudHolder } from './holder.ts';
import type { CloudRegistry } from './registry.ts';

/**
 * Keeps a hooks object that another layer holds (the account hooks, the files service's hooks)
 * in step with the registry in force: on every swap, each kind is set from `build(registry)` or
 * removed, in place, so the holder of the object never sees a half-built set. The returned
 * function stops following and empties the object.
 */
export function followHooks<T extends object>(target: T, kinds: readonly (keyof T)[], holder: CloudHolder, build: (registry: CloudRegistry) => T): () => void {
  const install = (registry: CloudRegistry) => {
    const next = build(registry);
    for (const kind of kinds) {
      if (next[kind]) target[kind] = next[kind];
      else delete target[kind];
    }
  };
  install(holder.current);
  const stop = holder.onChange(install);
  return () => {
    stop();
    for (const kind of kinds) delete target[kind];
  };
}
