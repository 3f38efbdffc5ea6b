import type { HookRegistry, WriteOperation } from '../core/index.ts';
import { ErrorCode, ParseError } from '../errors/index.ts';
import { Sessions } from './sessions.ts';

/** Set only by the server (login, signup, renewal): no update may change them, as in Parse. */
const NEVER_UPDATED = ['installationId', 'sessionToken'];
/** Changed by the master key only (an administrator may shorten a session). */
const MASTER_UPDATES = ['expiresAt', 'createdWith'];

const invalidKey = (message: string) => new ParseError(ErrorCode.INVALID_KEY_NAME, message);

/** The user a pointer value names: an objectId, or Parse's `{__type: "Pointer", objectId}`. */
function pointerId(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { objectId?: unknown }).objectId : value;
}

/** Parse's RestWrite.handleSession refusals for an update of a session. */
function checkUpdate(op: WriteOperation): void {
  const input = op.input;
  if ('user' in input && !op.auth.isMaster && pointerId(input.user) !== op.auth.userId) throw invalidKey('Invalid key name: user');
  for (const key of NEVER_UPDATED) if (key in input) throw invalidKey(`Invalid key name: ${key}`);
  if (!op.auth.isMaster) for (const key of MASTER_UPDATES) if (key in input) throw invalidKey(`Invalid key name: ${key}`);
}

/**
 * The rules of `_Session` writes through the data API, whatever the path (createSession,
 * updateSession, deleteSession, nested writes, cloud code). Who may write which session is
 * decided with every other access (security/policy.ts: the master key creates; a user reaches
 * only their own sessions); these rules keep a session what Sessions made it:
 * - no write sets an ACL (105 `Cannot set ACL on a Session.`);
 * - an update never changes the token or the installation id, and only the master key changes
 *   the user, the expiry or `createdWith` (105 `Invalid key name: <field>`);
 * - a token the master key gives a new session is stored as every token is, as its SHA-256;
 * - a deleted session ends what it opened (live subscriptions), as logOut does — deleting one's
 *   own session logs that device out.
 */
export function registerSessionRules(hooks: HookRegistry, sessions: Sessions): void {
  hooks.register('_Session', {
    before(op) {
      if (op.kind === 'delete') return;
      if ('ACL' in op.input) throw invalidKey('Cannot set ACL on a Session.');
      if (op.kind === 'update') return checkUpdate(op);
      const token = op.input.sessionToken;
      if (typeof token === 'string') {
        delete op.input.sessionToken;
        op.internal.sessionToken = Sessions.hash(token);
      }
    },
    afterCommit(op) {
      if (op.kind === 'delete') sessions.announceEnded({ sessionIds: [op.objectId!] });
    },
  });
}
