import type { ParseObject } from '../../core/index.ts';
import { isWriteOnly, type ClassDef } from '../../schema/index.ts';
import { restValue } from '../../query/rest/index.ts';

/**
 * An object as the audit trail keeps it: Parse's REST JSON (`{__type: 'Date', iso}`, pointers,
 * files, …; createdAt and updatedAt as ISO strings, the ACL as its map), every stored field.
 * Never a secret: write-only fields (`_User.password`, `_Session.sessionToken`, which holds a
 * token's hash) are left out, and `_User.authData` keeps only its provider names — its tokens
 * are the user's credentials. `_User`'s hashed password and email tokens are columns, not
 * fields: whole objects never read them.
 */
export function auditJson(cls: ClassDef | undefined, object: ParseObject | undefined): Record<string, unknown> | null {
  if (!object) return null;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object)) {
    if (value === undefined) continue;
    const field = cls?.fields[name];
    if (cls && isWriteOnly(cls.className, name)) continue;
    if (cls?.className === '_User' && name === 'authData') {
      out[name] = value && typeof value === 'object' ? Object.fromEntries(Object.keys(value).map((p) => [p, '[redacted]'])) : value;
      continue;
    }
    const keepIso = name === 'createdAt' || name === 'updatedAt';
    out[name] = field && !keepIso ? restValue({ name, type: field.type, targetClass: field.targetClass }, value) : value;
  }
  return out;
}

/** A class definition as a schema entry keeps it (before/after of a schema change). */
export function classJson(cls: ClassDef | undefined): Record<string, unknown> | null {
  if (!cls) return null;
  return { className: cls.className, fields: cls.fields, classLevelPermissions: cls.classLevelPermissions, indexes: cls.indexes };
}
