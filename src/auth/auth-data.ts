import type { HookRegistry, WriteOperation } from '../core/index.ts';
import type { Sql } from '../db/index.ts';
import { errors } from '../errors/index.ts';
import { accountErrors } from './account-errors.ts';
import type { AuthProviders, ValidatedAuth } from './providers/index.ts';

type AuthData = Record<string, unknown>;

function isPlainObject(v: unknown): v is AuthData {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether an authData value names at least one provider with data (Parse's test for "signs up with authData"). */
export function hasAuthData(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).some((entry) => isPlainObject(entry) && Object.keys(entry).length > 0);
}

/** authData objects that Accounts has already validated (logInWith): stored as they are. */
const trusted = new WeakSet<object>();

/** Marks an authData object, built from what the providers confirmed, as safe to store. */
export function trustAuthData<T extends object>(authData: T): T {
  trusted.add(authData);
  return authData;
}

/** What the providers confirmed, as stored in _User.authData: {provider: stored} (ids, never tokens). */
export function storedAuthData(validated: readonly ValidatedAuth[]): AuthData {
  return Object.fromEntries(validated.map((v) => [v.provider, v.stored]));
}

/** The user who already holds one of these provider ids (the GIN index on "authData" answers). */
export async function userWithAuthData(sql: Sql, validated: readonly ValidatedAuth[], exceptId = ''): Promise<string[]> {
  const ids = new Set<string>();
  for (const v of validated) {
    // Users imported from Parse may hold a numeric id (GitHub's, as its API gives it) where we
    // store a string: look for both forms, each answered by the GIN index.
    const forms = [v.id, ...(/^\d{1,15}$/.test(v.id) ? [Number(v.id)] : [])].map((id) => JSON.stringify({ [v.provider]: { id } }));
    const rows = await sql.query<{ objectId: string }>(
      `SELECT "objectId" FROM "_User" WHERE (${forms.map((_, i) => `"authData" @> $${i + 2}::jsonb`).join(' OR ')}) AND "objectId" <> $1 LIMIT 2`,
      [exceptId, ...forms],
    );
    for (const r of rows) ids.add(r.objectId);
  }
  return [...ids];
}

interface PendingAuthData {
  validated: ValidatedAuth[];
  /** Update only: providers to link (stored entries) and to unlink (null entries). */
  link?: AuthData;
  unlink?: string[];
}

const pending = new WeakMap<WriteOperation, PendingAuthData>();

/**
 * authData written through any path other than logInWith (signUp, createUser, updateUser) is
 * checked by the providers before it is stored — a client cannot claim an identity it does not
 * hold — and only what they confirm is kept (ids, never access tokens). On update, entries are
 * linked into the stored authData and null entries unlink a provider (Parse's semantics);
 * an identity another user holds is refused with 208.
 */
export function registerAuthDataHook(hooks: HookRegistry, providers: AuthProviders): void {
  hooks.register('_User', {
    async before(op) {
      if (op.kind === 'delete' || !('authData' in op.input)) return;
      const value = op.input.authData;
      if (value === undefined || value === null || trusted.has(value as object)) return;
      if (!isPlainObject(value)) throw errors.incorrectType('authData must be an object');
      const validated = await providers.validate(value);
      const stored = storedAuthData(validated);
      if (op.kind === 'create') {
        op.input.authData = stored;
        pending.set(op, { validated });
      } else {
        delete op.input.authData;
        const unlink = Object.keys(value).filter((k) => value[k] === null);
        pending.set(op, { validated, link: stored, unlink });
      }
    },
    async inTransaction(op, tx, object) {
      const change = pending.get(op);
      if (!change) return;
      if ((await userWithAuthData(tx, change.validated, object.objectId)).length) throw accountErrors.authDataTaken();
      if (op.kind !== 'update') return;
      const rows = await tx.query<{ authData: unknown }>(
        `UPDATE "_User" SET "authData" = NULLIF((COALESCE("authData", '{}'::jsonb) - $2::text[]) || $3::jsonb, '{}'::jsonb)
         WHERE "objectId" = $1 RETURNING "authData"`,
        [object.objectId, change.unlink ?? [], JSON.stringify(change.link ?? {})],
      );
      const stored = rows[0]?.authData;
      object.authData = typeof stored === 'string' ? JSON.parse(stored) : (stored ?? null);
    },
  });
}
