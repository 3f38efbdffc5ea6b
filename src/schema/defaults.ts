import type { ClassLevelPermissions, FieldDef } from './types.ts';

/** Fields every class has; they are columns of every table and cannot be added or removed. */
export const DEFAULT_FIELDS: Readonly<Record<string, FieldDef>> = {
  objectId: { type: 'String' },
  createdAt: { type: 'Date' },
  updatedAt: { type: 'Date' },
  ACL: { type: 'ACL' },
};

/** The built-in fields of the system classes, present from the first start. */
export const SYSTEM_CLASS_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldDef>>>> = {
  _User: {
    username: { type: 'String' },
    password: { type: 'String' },
    email: { type: 'String' },
    emailVerified: { type: 'Boolean' },
    authData: { type: 'Object' },
  },
  _Role: {
    name: { type: 'String' },
    users: { type: 'Relation', targetClass: '_User' },
    roles: { type: 'Relation', targetClass: '_Role' },
  },
};

/** Fields that are not columns: `password` is write-only and stored as `_hashed_password`. */
export const VIRTUAL_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  _User: new Set(['password']),
};

/** Parse's default CLP for a new class: open to everyone (Plinth warns about it at start-up). */
export function defaultClassLevelPermissions(): ClassLevelPermissions {
  return {
    find: { '*': true },
    count: { '*': true },
    get: { '*': true },
    create: { '*': true },
    update: { '*': true },
    delete: { '*': true },
    addField: { '*': true },
    protectedFields: { '*': [] },
  };
}

/** Columns that exist in every class table but are never exposed as fields. */
export const INTERNAL_COLUMNS = new Set(['_rperm', '_wperm']);
