import { ADMIN_FEATURES, type AdminFeature, type AdminRole, type AdminUser, type ClassScopeRule, type StoredScope } from '../types.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';

/** An admin row as the statements of sql.ts select it (USER). */
export type AdminRow = {
  id: string;
  email: string;
  role: string;
  scope: unknown;
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: string | Date;
  lastLoginAt: string | Date | null;
};

export const ADMIN_ROLES: readonly AdminRole[] = ['OWNER', 'ADMIN', 'READ_ONLY', 'SCOPED'];

/** The stored JSON of a scope, read defensively: a damaged value gives no class and no feature. */
export function scopeOf(value: unknown): StoredScope | null {
  if (value === null || value === undefined) return null;
  const raw = typeof value === 'string' ? safeJson(value) : value;
  if (!raw || typeof raw !== 'object') return { classes: [], features: [] };
  const { classes, features } = raw as { classes?: unknown; features?: unknown };
  return {
    classes: Array.isArray(classes) ? classes.filter(isRule).map((r) => ({ ...r })) : [],
    features: Array.isArray(features) ? features.filter((f): f is AdminFeature => (ADMIN_FEATURES as readonly string[]).includes(f)) : [],
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRule(value: unknown): value is ClassScopeRule {
  const r = value as ClassScopeRule | null;
  return (
    !!r &&
    typeof r.className === 'string' &&
    typeof r.write === 'boolean' &&
    (r.fields === undefined || r.fields === null || (Array.isArray(r.fields) && r.fields.every((f) => typeof f === 'string')))
  );
}

export function userOf(row: AdminRow): AdminUser {
  return {
    id: row.id,
    email: row.email,
    role: row.role as AdminRole,
    scope: scopeOf(row.scope),
    disabled: row.disabled,
    totpEnabled: row.totpEnabled,
    createdAt: new Date(row.createdAt),
    lastLoginAt: row.lastLoginAt ? new Date(row.lastLoginAt) : null,
  };
}

const invalid = (message: string) => new ParseError(ErrorCode.VALIDATION_ERROR, message);

/** A scope given by an owner (GraphQL input, CLI): checked, and normalised for storage. */
export function checkScope(scope: StoredScope | null | undefined): StoredScope | null {
  if (!scope) return null;
  if (!Array.isArray(scope.classes) || !Array.isArray(scope.features)) throw invalid('A scope has classes and features.');
  for (const f of scope.features) if (!(ADMIN_FEATURES as readonly string[]).includes(f)) throw invalid(`Unknown dashboard feature: ${String(f)}.`);
  const classes = scope.classes.map((c) => {
    if (!isRule(c)) throw invalid('A class scope has a className, write, and optionally fields.');
    return c.fields ? { className: c.className, fields: [...c.fields], write: c.write } : { className: c.className, write: c.write };
  });
  return { classes, features: [...new Set(scope.features)] };
}

export function checkRole(role: string): AdminRole {
  if (!(ADMIN_ROLES as readonly string[]).includes(role)) throw invalid(`Unknown dashboard role: ${role}.`);
  return role as AdminRole;
}

/** An email as stored: trimmed, lower-cased, and shaped like an address. */
export function normalEmail(email: string): string {
  const e = String(email ?? '')
    .trim()
    .toLowerCase();
  if (e.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(e)) throw new ParseError(ErrorCode.INVALID_EMAIL_ADDRESS, 'Email address format is invalid.');
  return e;
}

/** Dashboard passwords: at least 10 characters (they guard the master key's reach), at most 1024. */
export function checkPassword(password: string): string {
  if (typeof password !== 'string' || password.length < 10) throw invalid('The password must have at least 10 characters.');
  if (password.length > 1024) throw invalid('The password is too long.');
  return password;
}
