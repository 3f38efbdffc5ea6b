import type { ParseObject, WriteInput } from '../../core/index.ts';
import { errors, ErrorCode, ParseError } from '../../errors/index.ts';
import { Auth } from '../../security/index.ts';
import { Lockout } from '../lockout.ts';
import { AuthRateLimits } from '../rate-limit.ts';
import { challenge } from './challenge.ts';
import type { AccountContext } from './context.ts';
import { authenticate } from './log-in.ts';
import { logInWith } from './log-in-with.ts';
import { readOwnUser } from './read-user.ts';
import { signUp } from './sign-up.ts';
import { afterLogin, beforeLogin } from './login-hooks.ts';
import type { AccountDeps, ChallengeInput, LoggedIn, RequestOrigin } from './types.ts';

export type { AccountDeps, ChallengeInput, LoggedIn, RequestOrigin } from './types.ts';

/**
 * Accounts: signup, login (password or third-party authData), logout, the current user, and
 * the abuse guards around them (rate limits per address and per account, account lockout).
 * Session tokens leave this class only in a LoggedIn, for the client that logged in.
 */
export class Accounts {
  private readonly ctx: AccountContext;

  constructor(readonly deps: AccountDeps) {
    this.ctx = { ...deps, limits: new AuthRateLimits(deps.config.rateLimits, Date.now, deps.sharedCounters), lockout: new Lockout(deps.config.accountLockout) };
  }

  /** Creates a user (as `auth`, whose permissions apply) and its first session. */
  signUp(fields: WriteInput, origin: RequestOrigin, userFields: readonly string[], auth: Auth = Auth.anonymous()): Promise<LoggedIn> {
    return signUp(this.ctx, auth, fields, origin, userFields);
  }

  /** Starts a session for a username (or email) and password. */
  async logIn(username: string, password: string, origin: RequestOrigin, userFields: readonly string[]): Promise<LoggedIn> {
    const user = await authenticate(this.ctx, username, password, origin);
    await beforeLogin(this.ctx, user.objectId, origin);
    const session = await this.deps.sessions.create(user.objectId, { action: 'login', authProvider: 'password' }, this.deps.db, origin.installationId);
    await afterLogin(this.ctx, user.objectId, origin);
    return { sessionToken: session.token, user: await readOwnUser(this.ctx, user.objectId, session.sessionId, userFields) };
  }

  /**
   * Starts a session for a user without their credentials (Parse's loginAs: the caller checks
   * the master key). As in Parse, no login guard or hook runs; the user is read as master.
   */
  async logInAs(userId: string, origin: RequestOrigin, userFields: readonly string[]): Promise<LoggedIn> {
    const user = await this.deps.core.get(Auth.master(), '_User', userId, userFields).catch((error: unknown) => {
      if (error instanceof ParseError && error.code === ErrorCode.OBJECT_NOT_FOUND) throw new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'user not found');
      throw error;
    });
    const session = await this.deps.sessions.create(userId, { action: 'login', authProvider: 'masterkey' }, this.deps.db, origin.installationId);
    return { sessionToken: session.token, user };
  }

  /**
   * Checks a username (or email) and password with every guard of a login, starting no session
   * (Parse's verifyPassword); the user as they see themselves.
   */
  async verifyPassword(username: string, password: string, origin: RequestOrigin, userFields: readonly string[]): Promise<ParseObject> {
    const user = await authenticate(this.ctx, username, password, origin);
    const auth = Auth.user(user.objectId, await this.deps.roles.rolesOf(user.objectId));
    return this.deps.core.get(auth, '_User', user.objectId, userFields);
  }

  /** Logs in (or signs up) the user behind third-party authData. */
  logInWith(
    authData: Record<string, unknown>,
    fields: WriteInput,
    origin: RequestOrigin,
    userFields: readonly string[],
    auth: Auth = Auth.anonymous(),
  ): Promise<LoggedIn> {
    return logInWith(this.ctx, auth, authData, fields, origin, userFields);
  }

  /** Ends the session the request came with (nothing to do without one). */
  async logOut(auth: Auth): Promise<void> {
    if (!auth.sessionId) return;
    const hook = this.deps.hooks?.afterLogout;
    const session = hook ? await this.deps.sessions.describe(auth.sessionId) : undefined;
    await this.deps.sessions.delete(auth.sessionId);
    if (hook && session) await hook(session, auth);
  }

  /** The user of the request's session; 209 without one (the master key is no user). */
  async viewer(auth: Auth, userFields: readonly string[]): Promise<ParseObject> {
    if (!auth.userId) throw errors.invalidSessionToken();
    try {
      return await this.deps.core.get(auth, '_User', auth.userId, userFields);
    } catch (error) {
      // The user was deleted while the session lived on.
      if (error instanceof ParseError && error.code === ErrorCode.OBJECT_NOT_FOUND) throw errors.invalidSessionToken();
      throw error;
    }
  }

  /** Parse's challenge step (identify the user, then ask the providers named in challengeData). */
  challenge(input: ChallengeInput, origin: RequestOrigin): Promise<Record<string, unknown>> {
    return challenge(this.ctx, input, origin);
  }
}
