import type { HookRegistry } from '../core/index.ts';
import type { CloudHolder } from './holder.ts';
import { readTriggerHooks } from './read-triggers.ts';
import type { CloudRegistry } from './registry.ts';
import type { CloudRuntime } from './runtime.ts';
import { writeTriggerHooks } from './write-triggers.ts';

/**
 * Plugs the registry's save, delete and find triggers into core's hooks, per class, and again
 * whenever a reload swaps the registry. Cloud hooks run before the server's own hooks of a
 * class (as Parse runs beforeSave before it checks and hashes a user's password), and a class
 * without triggers gets no hook at all — its reads and writes stay exactly as they were.
 * Returns a function that takes them all out.
 */
export function wireCoreHooks(hooks: HookRegistry, holder: CloudHolder, rt: CloudRuntime): () => void {
  let undo: (() => void)[] = [];
  const install = (registry: CloudRegistry) => {
    const next: (() => void)[] = [];
    for (const className of registry.classesWith('beforeSave', 'afterSave', 'beforeDelete', 'afterDelete')) {
      const write = writeTriggerHooks(rt, registry, className);
      if (write) next.push(hooks.register(className, write, { first: true }));
    }
    for (const className of registry.classesWith('beforeFind', 'afterFind')) {
      const read = readTriggerHooks(rt, registry, className);
      if (read) next.push(hooks.registerReads(className, read));
    }
    // The old hooks go once the new ones are in, in the same synchronous step.
    for (const u of undo) u();
    undo = next;
  };
  install(holder.current);
  const stop = holder.onChange((next) => install(next));
  return () => {
    stop();
    for (const u of undo) u();
    undo = [];
  };
}
