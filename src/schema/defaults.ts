import type { ClassLevelPermissions, FieldDef } from './types.ts';
import { has } from './names.ts';

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
  // Sessions in Parse's layout (Sessions writes them; "sessionToken" holds the token's SHA-256).
  _Session: {
    user: { type: 'Pointer', targetClass: '_User' },
    installationId: { type: 'String' },
    sessionToken: { type: 'String' },
    expiresAt: { type: 'Date' },
    createdWith: { type: 'Object' },
  },
  // Devices that receive pushes, in Parse's layout; `user` is the pointer apps set (Parse adds it
  // on first use), built in so that pushes can target users from the start.
  _Installation: {
    installationId: { type: 'String' },
    deviceToken: { type: 'String' },
    channels: { type: 'Array' },
    deviceType: { type: 'String' },
    pushType: { type: 'String' },
    GCMSenderId: { type: 'String' },
    timeZone: { type: 'String' },
    localeIdentifier: { type: 'String' },
    badge: { type: 'Number' },
    appVersion: { type: 'String' },
    appName: { type: 'String' },
    appIdentifier: { type: 'String' },
    parseVersion: { type: 'String' },
    user: { type: 'Pointer', targetClass: '_User' },
  },
  // One row per push, in Parse's layout (query and payload are JSON text, as Parse stores them).
  _PushStatus: {
    pushTime: { type: 'String' },
    source: { type: 'String' },
    query: { type: 'String' },
    payload: { type: 'String' },
    title: { type: 'String' },
    expiry: { type: 'Number' },
    expiration_interval: { type: 'Number' },
    status: { type: 'String' },
    numSent: { type: 'Number' },
    numFailed: { type: 'Number' },
    pushHash: { type: 'String' },
    errorMessage: { type: 'Object' },
    sentPerType: { type: 'Object' },
    failedPerType: { type: 'Object' },
    sentPerUTCOffset: { type: 'Object' },
    failedPerUTCOffset: { type: 'Object' },
    count: { type: 'Number' },
  },
  // One row per cloud job run, written by the job runner: Parse's fields, plus `startedAt` (Plinth's).
  _JobStatus: {
    jobName: { type: 'String' },
    source: { type: 'String' },
    status: { type: 'String' },
    message: { type: 'String' },
    params: { type: 'Object' },
    finishedAt: { type: 'Date' },
    startedAt: { type: 'Date' },
  },
  // Schedules set at run time: Parse's fields, plus `cron` and `timeZone` (Plinth's).
  _JobSchedule: {
    jobName: { type: 'String' },
    description: { type: 'String' },
    params: { type: 'String' },
    startAfter: { type: 'String' },
    daysOfWeek: { type: 'Array' },
    timeOfDay: { type: 'String' },
    lastRun: { type: 'Number' },
    repeatMinutes: { type: 'Number' },
    cron: { type: 'String' },
    timeZone: { type: 'String' },
  },
};

/** The built-in fields of a class beyond the default ones (none for user classes). */
export function systemFields(className: string): Readonly<Record<string, FieldDef>> {
  return has(SYSTEM_CLASS_FIELDS, className) ? SYSTEM_CLASS_FIELDS[className] : {};
}

/** Whether a field of a class is virtual (not a column). */
export function isVirtualField(className: string, name: string): boolean {
  return has(VIRTUAL_FIELDS, className) && VIRTUAL_FIELDS[className].has(name);
}

/** Fields that are not columns: `password` is write-only and stored as `_hashed_password`. */
export const VIRTUAL_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  _User: new Set(['password']),
};

/**
 * Columns that are written but never read, filtered or sorted through the API: `_Session`'s
 * "sessionToken" holds the SHA-256 of a token (auth/sessions.ts), which must not leave the
 * server — the GraphQL type shows the caller's own token in its place.
 */
export const SECRET_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  _Session: new Set(['sessionToken']),
};

/** Whether a field can be written but never read, filtered or sorted (_User.password, _Session.sessionToken). */
export function isWriteOnly(className: string, field: string): boolean {
  return isVirtualField(className, field) || (has(SECRET_FIELDS, className) && SECRET_FIELDS[className].has(field));
}

/**
 * System classes whose objects belong to the user in a pointer field, as Parse Server treats
 * `_Session` whatever its catalog says (Parse stores no CLP for it, and no ACL on its rows):
 * callers other than the master key need a session, reach only the objects that point to
 * them (on top of the CLP and the ACL), and never create one (security/policy.ts).
 */
export const OWNER_FIELDS: Readonly<Record<string, string>> = {
  _Session: 'user',
};

/**
 * Fields hidden from callers by default, per class, merged into every class's own
 * `protectedFields` when access is decided (as Parse Server merges its `protectedFields`
 * option): a user's email is seen only by that user and the master key.
 */
export const DEFAULT_PROTECTED_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  _User: { '*': ['email'] },
};

/**
 * Parse's default CLP for a new class: open to everyone (Plinth warns about it at start-up),
 * with the default protected fields of system classes (`_User`: email) and Parse 9's default
 * ACL for new objects, public (which stores none).
 */
export function defaultClassLevelPermissions(className?: string): ClassLevelPermissions {
  const defaults = className && has(DEFAULT_PROTECTED_FIELDS, className) ? DEFAULT_PROTECTED_FIELDS[className] : undefined;
  const protectedFields: Record<string, string[]> = { '*': [] };
  for (const [group, fields] of Object.entries(defaults ?? {})) protectedFields[group] = [...fields];
  return {
    ACL: { '*': { read: true, write: true } },
    find: { '*': true },
    count: { '*': true },
    get: { '*': true },
    create: { '*': true },
    update: { '*': true },
    delete: { '*': true },
    addField: { '*': true },
    protectedFields,
  };
}

/** Columns that exist in every class table but are never exposed as fields. */
export const INTERNAL_COLUMNS = new Set(['_rperm', '_wperm']);
