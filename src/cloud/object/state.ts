import type { FieldDef } from '../../schema/index.ts';
import { CloudAcl } from './acl.ts';
import { fieldOf, type CloudEnv } from './env.ts';
import { encodeJson } from './json.ts';
import { applyChange, mergeChange, type FieldChange } from './ops.ts';
import { isPlainObject } from './records.ts';
import { CloudRelationRef } from './values.ts';

export { STATE } from './values.ts';

/** A value's JSON text, for comparisons (unsaved objects get a local id instead of an error). */
export function jsonText(value: unknown): string {
  return JSON.stringify(encodeJson(value, { forcePointers: true, localIds: true })) ?? 'undefined';
}

/** Values cloud code can change in place (Parse's SDK notices such changes: its "dirty objects"). */
function isMutable(value: unknown): boolean {
  return Array.isArray(value) || isPlainObject(value) || value instanceof CloudAcl || value instanceof Date;
}

/**
 * The state of one CloudObject: its values as read (`server`), the JSON of those it may change
 * in place, and the changes not yet saved, by field name (Maps: names are user-chosen).
 */
export class ObjectState {
  created: Date | undefined;
  updated: Date | undefined;
  readonly server = new Map<string, unknown>();
  readonly changes = new Map<string, FieldChange>();
  readonly #snapshots = new Map<string, string>();

  constructor(
    readonly className: string,
    readonly env: CloudEnv,
  ) {}

  field(key: string): FieldDef | undefined {
    return fieldOf(this.env, this.className, key);
  }

  /** Records a value as read from the database (not a change). */
  load(key: string, value: unknown): void {
    this.server.set(key, value);
    if (isMutable(value)) this.#snapshots.set(key, jsonText(value));
  }

  /** The field's value with its pending change applied (what get() returns). */
  current(key: string): unknown {
    const base = this.server.get(key);
    const change = this.changes.get(key);
    if (change ? change.op === 'relation' : base === undefined) {
      // A Relation field always reads as its relation (Parse.Relation), changed or not.
      const field = this.field(key);
      if (change || field?.type === 'Relation') return new CloudRelationRef(field?.targetClass);
    }
    return change ? applyChange(key, base, change, jsonText) : base;
  }

  /** Adds a change, merged with the pending one; refused (and nothing changed) when it does not fit the value. */
  change(key: string, next: FieldChange): void {
    const previous = this.changes.get(key);
    this.changes.set(key, mergeChange(key, previous, next, jsonText));
    try {
      this.current(key);
    } catch (e) {
      if (previous) this.changes.set(key, previous);
      else this.changes.delete(key);
      throw e;
    }
  }

  /** Names of the fields that have a value now. */
  keys(): string[] {
    const keys = new Set([...this.server.keys(), ...this.changes.keys()]);
    return [...keys].filter((k) => this.current(k) !== undefined);
  }

  /** Whether a value as read was changed in place (an array pushed to, an ACL edited). */
  changedInPlace(key: string): boolean {
    const snapshot = this.#snapshots.get(key);
    return snapshot !== undefined && !this.changes.has(key) && jsonText(this.server.get(key)) !== snapshot;
  }

  /** Fields with a change to save: those changed, then those changed in place. */
  dirtyKeys(): string[] {
    return [...this.changes.keys(), ...[...this.#snapshots.keys()].filter((k) => this.changedInPlace(k))];
  }

  /** Forgets the values read and the changes (before loading the object as saved). */
  clear(): void {
    this.server.clear();
    this.changes.clear();
    this.#snapshots.clear();
  }

  /** Whether anything is known of the object beyond its class and id (else it is only a pointer). */
  hasData(): boolean {
    return this.server.size > 0 || this.changes.size > 0 || this.created !== undefined;
  }
}
