import type { ParseObject } from './object.ts';

/** What happened to an object, published after the write committed. */
export interface ChangeEvent {
  kind: 'create' | 'update' | 'delete';
  className: string;
  objectId: string;
  /**
   * The object after the write (before it, for delete). Whole — every field, ACL included —
   * when `needsFullObjects(className)` held as the write ran; otherwise the fields the write knew.
   */
  object: ParseObject;
  /** The whole object before the write (update, delete), when whole objects were wanted. */
  original?: ParseObject;
  /** Names of the fields the write set (create, update). */
  fields: string[];
}

export type ChangeListener = (event: ChangeEvent) => void;

/** Whether someone needs whole objects (and, for update and delete, the object before) for a class's writes. */
export type FullObjectInterest = (className: string) => boolean;

/**
 * Change events of committed writes. Live queries subscribe here (and forward to other
 * instances over pub/sub); listeners run synchronously, so they must hand off slow work.
 * Writes read whole objects for their events only for classes someone declared an interest
 * in (declareInterest): without one, a write runs exactly the statements it needs for itself.
 */
export class ChangeEvents {
  private readonly listeners = new Set<ChangeListener>();
  private readonly interests = new Set<FullObjectInterest>();

  on(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /** Asks writes of the classes `interest` accepts to read whole objects (before and after). Returns an undo. */
  declareInterest(interest: FullObjectInterest): () => void {
    this.interests.add(interest);
    return () => this.interests.delete(interest);
  }

  /** Asked by a write as it starts: must its event carry whole objects? */
  needsFullObjects(className: string): boolean {
    if (this.interests.size === 0) return false;
    for (const i of this.interests) if (i(className)) return true;
    return false;
  }

  emit(event: ChangeEvent): void {
    for (const l of this.listeners) l(event);
  }
}
