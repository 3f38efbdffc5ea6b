import type { ParseObject } from './object.ts';

/** What happened to an object, published after the write committed. */
export interface ChangeEvent {
  kind: 'create' | 'update' | 'delete';
  className: string;
  objectId: string;
  /** The object after the write (before it, for delete), with the fields the write knew. */
  object: ParseObject;
  /** Names of the fields the write set (create, update). */
  fields: string[];
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * Change events of committed writes. Live queries subscribe here (and forward to other
 * instances over pub/sub); listeners run synchronously, so they must hand off slow work.
 */
export class ChangeEvents {
  private readonly listeners = new Set<ChangeListener>();

  on(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  emit(event: ChangeEvent): void {
    for (const l of this.listeners) l(event);
  }
}
