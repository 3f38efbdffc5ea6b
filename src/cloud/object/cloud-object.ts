import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { CloudObject } from '../types.ts';
import { CloudAcl } from './acl.ts';
import { arrayChange, incrementChange, planSet, type PlannedSet } from './changes.ts';
import type { CloudEnv } from './env.ts';
import { isPlainObject } from './records.ts';
import { objectToJSON } from './serialize.ts';
import { ObjectState } from './state.ts';
import { CLOUD_OBJECT, isCloudObject, STATE } from './values.ts';

/**
 * Parse.Object's everyday surface for cloud code. Values read are typed as Parse's SDK gives
 * them; changes are kept as Parse keeps them (set, unset, atomic operations) until the core
 * saves them (`toWriteInput`). Build one with fromStored, newObject or withChanges (create.ts).
 */
export class CloudObjectImpl implements CloudObject {
  readonly [CLOUD_OBJECT] = true as const;
  readonly [STATE]: ObjectState;
  readonly className: string;
  id: string | undefined;

  constructor(className: string, env: CloudEnv, id?: string) {
    this.className = className;
    this.id = id;
    this[STATE] = new ObjectState(className, env);
  }

  get createdAt(): Date | undefined {
    return this[STATE].created;
  }
  get updatedAt(): Date | undefined {
    return this[STATE].updated;
  }

  get(key: string): any {
    if (key === 'createdAt') return this.createdAt;
    if (key === 'updatedAt') return this.updatedAt;
    return typeof key === 'string' ? this[STATE].current(key) : undefined;
  }
  has(key: string): boolean {
    return this.get(key) != null;
  }

  /** One key and value, or an object of them (all checked before any is applied). */
  set(key: string | Record<string, unknown>, value?: unknown): this {
    const state = this[STATE];
    let planned: PlannedSet[];
    if (typeof key === 'string') planned = [planSet(state, key, value)];
    else if (isPlainObject(key)) planned = Object.entries(key).map(([k, v]) => planSet(state, k, v));
    else throw new ParseError(ErrorCode.INVALID_KEY_NAME, 'set needs a key and a value, or an object of them');
    for (const p of planned) {
      if (p.kind === 'id') this.id = p.id;
      else if (p.kind === 'change') state.change(p.key, p.change);
    }
    return this;
  }
  unset(key: string): this {
    return this.set(key, undefined);
  }
  increment(key: string, amount = 1): this {
    this[STATE].change(key, incrementChange(this[STATE], key, amount));
    return this;
  }
  decrement(key: string, amount = 1): this {
    return this.increment(key, typeof amount === 'number' ? -amount : amount);
  }
  add(key: string, item: unknown): this {
    return this.addAll(key, [item]);
  }
  addAll(key: string, items: unknown[]): this {
    this[STATE].change(key, arrayChange(this[STATE], key, 'add', items));
    return this;
  }
  addUnique(key: string, item: unknown): this {
    return this.addAllUnique(key, [item]);
  }
  addAllUnique(key: string, items: unknown[]): this {
    this[STATE].change(key, arrayChange(this[STATE], key, 'addUnique', items));
    return this;
  }
  remove(key: string, item: unknown): this {
    return this.removeAll(key, [item]);
  }
  removeAll(key: string, items: unknown[]): this {
    this[STATE].change(key, arrayChange(this[STATE], key, 'remove', items));
    return this;
  }
  /** Drops the unsaved changes of these keys (of all keys without arguments). */
  revert(...keys: string[]): this {
    const changes = this[STATE].changes;
    if (keys.length === 0) changes.clear();
    for (const key of keys) changes.delete(key);
    return this;
  }

  dirty(key?: string): boolean {
    if (this.id === undefined) return true;
    const state = this[STATE];
    if (key !== undefined) return state.changes.has(key) || state.changedInPlace(key);
    return state.dirtyKeys().length > 0;
  }
  dirtyKeys(): string[] {
    return this[STATE].dirtyKeys();
  }
  isNew(): boolean {
    return this.id === undefined;
  }

  getACL(): CloudAcl | undefined {
    const acl = this.get('ACL');
    return acl instanceof CloudAcl ? acl : undefined;
  }
  setACL(acl: CloudAcl | Record<string, { read?: boolean; write?: boolean }> | null): this {
    return this.set('ACL', acl ?? undefined);
  }

  toJSON(): Record<string, unknown> {
    return objectToJSON(this);
  }
  toPointer(): { __type: 'Pointer'; className: string; objectId: string } {
    if (this.id === undefined) throw new ParseError(ErrorCode.MISSING_OBJECT_ID, `Cannot create a pointer to an unsaved ${this.className} object`);
    return { __type: 'Pointer', className: this.className, objectId: this.id };
  }
  equals(other: unknown): boolean {
    if (other === this) return true;
    return isCloudObject(other) && other.className === this.className && this.id !== undefined && other.id === this.id;
  }
}
