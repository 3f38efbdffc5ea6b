import { expect } from 'vitest';
import type { GraphQLResponse, TestServer } from '../helpers/server.ts';
import { MASTER_KEY } from '../helpers/server.ts';

/** Who sends a request: a name for the table, and the headers that make it that caller. */
export interface Caller {
  name: string;
  headers: Record<string, string>;
  /** The user's objectId (users only). */
  userId?: string;
}

export const ANONYMOUS: Caller = { name: 'anonymous', headers: {} };
export const MASTER: Caller = { name: 'master', headers: { 'x-parse-master-key': MASTER_KEY } };

export const PASSWORD = 'correct-horse-battery';

/** Creates a user with the master key, and a session for it (as logIn would). */
export async function signedInUser(s: TestServer, name: string, extra: Record<string, unknown> = {}): Promise<Caller> {
  const d = await s.ok(`mutation($f: CreateUserFieldsInput) { createUser(input: { fields: $f }) { user { objectId } } }`, {
    f: { username: name, password: PASSWORD, ...extra },
  });
  const userId = d.createUser.user.objectId as string;
  const { token } = await s.plinth.sessions.create(userId, { action: 'login' });
  return { name, userId, headers: { 'x-parse-session-token': token } };
}

/** Creates a role with the master key: users and roles (by objectId) in its relations. */
export async function createRole(s: TestServer, name: string, members: { users?: string[]; roles?: string[] } = {}): Promise<string> {
  const fields: Record<string, unknown> = { name, ACL: { public: { read: true, write: false } } };
  if (members.users?.length) fields.users = { add: members.users };
  if (members.roles?.length) fields.roles = { add: members.roles };
  const d = await s.ok(`mutation($f: CreateRoleFieldsInput) { createRole(input: { fields: $f }) { role { objectId } } }`, { f: fields });
  return d.createRole.role.objectId;
}

/** Adds users or roles to a role's relations (master key). */
export async function addToRole(s: TestServer, roleId: string, members: { users?: string[]; roles?: string[] }): Promise<void> {
  const fields: Record<string, unknown> = {};
  if (members.users) fields.users = { add: members.users };
  if (members.roles) fields.roles = { add: members.roles };
  await s.ok(`mutation($id: ID!, $f: UpdateRoleFieldsInput) { updateRole(input: { id: $id, fields: $f }) { role { objectId } } }`, { id: roleId, f: fields });
}

/** Sets a class's CLP (master key, through the schema API). */
export async function setClp(s: TestServer, className: string, clp: Record<string, unknown>): Promise<void> {
  await s.ok(`mutation($n: String!, $c: Object) { updateClass(input: { name: $n, classLevelPermissions: $c }) { class { name } } }`, { n: className, c: clp });
}

/** A CLP giving every operation to everyone, with `overrides` on top. */
export function clp(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const all = { '*': true };
  return { find: all, get: all, count: all, create: all, update: all, delete: all, addField: all, ...overrides };
}

/** Sends a request as a caller. */
export function as(s: TestServer, caller: Caller, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  return s.request(query, variables, caller.headers);
}

/**
 * The outcome of one request for a table: the data at `pick`, or the error code (and message)
 * when the request failed. Partial data with errors keeps both.
 */
export type Outcome = { ok: unknown } | { error: number; message: string };

export async function outcome(res: Promise<GraphQLResponse>, pick: (data: any) => unknown): Promise<Outcome> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  if (r.errors?.length) {
    const e = r.errors[0];
    return { error: e.extensions?.code as number, message: e.message };
  }
  return { ok: pick(r.data) };
}

/** Expected outcomes, by short name. */
export const ok = (value: unknown): Outcome => ({ ok: value });
export const notFound: Outcome = { error: 101, message: 'Object not found.' };
export const needsLogin: Outcome = { error: 101, message: 'Permission denied' };
/** A CLP refusal, sanitized as Parse 9 answers it (the operation and class name the case, not the message). */
export const forbidden = (_op: string, _className: string): Outcome => ({ error: 119, message: 'Permission denied' });
