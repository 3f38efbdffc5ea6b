import { errors } from '../../errors/index.ts';
import { validateAcl, type AclMap } from '../../security/index.ts';
import type { CloudACL } from '../types.ts';
import { setOwn } from './records.ts';

type Rights = { read?: boolean; write?: boolean };
/** Whom a right is given to: a user id, `*`, a user object, or a `_Role` object (its name). */
type Entity = string | { id?: string; className?: string; get?: (key: string) => unknown };

function entityOf(user: Entity): string {
  if (typeof user === 'string') return user;
  if (typeof user === 'object' && user !== null) {
    if (user.className === '_Role' && typeof user.get === 'function') {
      const name = user.get('name');
      if (typeof name !== 'string' || name === '') throw errors.invalidAcl('Role must have a name');
      return 'role:' + name;
    }
    if (typeof user.id === 'string') return user.id;
  }
  throw errors.invalidAcl('userId must be a string.');
}

function roleEntity(role: string | Entity): string {
  if (typeof role === 'string') return 'role:' + role;
  const entity = entityOf(role);
  if (!entity.startsWith('role:')) throw errors.invalidAcl('role must be a role object or a String');
  return entity;
}

/**
 * Parse.ACL's everyday surface over an ACL map. Rights that are all false drop the entry,
 * as Parse's SDK does, so `toJSON()` never lists `{}`.
 */
export class CloudAcl implements CloudACL {
  readonly #rights = new Map<string, Rights>();

  /** From Parse's ACL JSON (checked: 123 for a bad entry), or a user object (read and write for it). */
  constructor(acl?: AclMap | Entity) {
    if (acl === undefined) return;
    if (typeof acl === 'object' && acl !== null && ('id' in acl || 'className' in acl) && typeof (acl as { id?: unknown }).id === 'string') {
      this.setReadAccess(acl as Entity, true);
      this.setWriteAccess(acl as Entity, true);
      return;
    }
    for (const [entity, rights] of Object.entries(validateAcl(acl))) this.#rights.set(entity, { ...rights });
  }

  getPublicReadAccess(): boolean {
    return this.getReadAccess('*');
  }
  getPublicWriteAccess(): boolean {
    return this.getWriteAccess('*');
  }
  setPublicReadAccess(allowed: boolean): void {
    this.setReadAccess('*', allowed);
  }
  setPublicWriteAccess(allowed: boolean): void {
    this.setWriteAccess('*', allowed);
  }
  getReadAccess(user: Entity): boolean {
    return this.#rights.get(entityOf(user))?.read === true;
  }
  getWriteAccess(user: Entity): boolean {
    return this.#rights.get(entityOf(user))?.write === true;
  }
  setReadAccess(user: Entity, allowed: boolean): void {
    this.#set('read', entityOf(user), allowed);
  }
  setWriteAccess(user: Entity, allowed: boolean): void {
    this.#set('write', entityOf(user), allowed);
  }
  getRoleReadAccess(role: string | Entity): boolean {
    return this.getReadAccess(roleEntity(role));
  }
  getRoleWriteAccess(role: string | Entity): boolean {
    return this.getWriteAccess(roleEntity(role));
  }
  setRoleReadAccess(role: string | Entity, allowed: boolean): void {
    this.setReadAccess(roleEntity(role), allowed);
  }
  setRoleWriteAccess(role: string | Entity, allowed: boolean): void {
    this.setWriteAccess(roleEntity(role), allowed);
  }
  equals(other: unknown): boolean {
    return other instanceof CloudAcl && JSON.stringify(sorted(other.toJSON())) === JSON.stringify(sorted(this.toJSON()));
  }
  toJSON(): AclMap {
    const out: AclMap = {};
    for (const [entity, rights] of this.#rights) setOwn(out, entity, { ...rights });
    return out;
  }

  #set(right: 'read' | 'write', entity: string, allowed: boolean): void {
    if (typeof allowed !== 'boolean') throw errors.invalidAcl('allowed must be either true or false.');
    const rights = this.#rights.get(entity);
    if (allowed) {
      if (rights) rights[right] = true;
      else this.#rights.set(entity, { [right]: true });
    } else if (rights) {
      delete rights[right];
      if (!rights.read && !rights.write) this.#rights.delete(entity);
    }
  }
}

function sorted(acl: AclMap): [string, Rights][] {
  return Object.entries(acl)
    .map(([k, r]): [string, Rights] => [k, { read: r.read === true, write: r.write === true }])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
