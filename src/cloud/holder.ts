import { CloudRegistry } from './registry.ts';

export type RegistryListener = (next: CloudRegistry, previous: CloudRegistry) => void;

/** What is layered over the cloud file's registry (the stored webhooks): the registry in force made from the code's. */
export type RegistryLayer = (code: CloudRegistry) => CloudRegistry;

/**
 * The cloud registry currently in force: what the cloud file built, with a layer over it (the
 * webhooks stored in the database). A (re)load of the file or a change of the layer builds a
 * whole new registry and swaps it in with one assignment, so every operation runs on one whole
 * registry; listeners (the hooks wired into core, the GraphQL schema's function enum, the job
 * scheduler) hear of each swap.
 */
export class CloudHolder {
  private code: CloudRegistry;
  private registry: CloudRegistry;
  private layer: RegistryLayer | undefined;
  private readonly listeners = new Set<RegistryListener>();
  /** When the registry in force was swapped in (undefined until the first load). */
  loadedAt: Date | undefined;

  constructor(initial: CloudRegistry = CloudRegistry.EMPTY) {
    this.code = initial;
    this.registry = initial;
  }

  /** The registry in force (code and layer). */
  get current(): CloudRegistry {
    return this.registry;
  }

  /** What the cloud file alone registered. */
  get fromCode(): CloudRegistry {
    return this.code;
  }

  /** Swaps in what a (re)load of the cloud file built, with the layer over it. */
  swap(code: CloudRegistry, onError?: (error: unknown) => void): void {
    this.code = code;
    this.install(onError);
  }

  /** Puts a layer over the code (undefined takes it away) and swaps in the result. */
  setLayer(layer: RegistryLayer | undefined, onError?: (error: unknown) => void): void {
    this.layer = layer;
    this.install(onError);
  }

  /** The layer's own data changed: the registry in force is made again. */
  refresh(onError?: (error: unknown) => void): void {
    this.install(onError);
  }

  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes the registry in force and tells every listener; a listener's failure is reported to `onError`, never stops the swap. */
  private install(onError?: (error: unknown) => void): void {
    const previous = this.registry;
    this.registry = this.layer ? this.layer(this.code) : this.code;
    this.loadedAt = new Date();
    for (const listener of this.listeners) {
      try {
        listener(this.registry, previous);
      } catch (error) {
        onError?.(error);
      }
    }
  }
}
