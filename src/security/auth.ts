/**
 * Who is asking. Resolved once per request (transport → Auth) and passed to every core
 * operation; the only input to access decisions. Users, sessions and roles fill `userId` and
 * `roles` (see auth/); the master key bypasses ACLs.
 */
export class Auth {
  private static readonly ANONYMOUS = new Auth(false, undefined, []);
  private static readonly MASTER = new Auth(true, undefined, []);
  private keys: string[] | undefined;

  private constructor(
    readonly isMaster: boolean,
    readonly userId: string | undefined,
    /** Names of the roles the user holds, inherited ones included (without the "role:" prefix). */
    readonly roles: readonly string[],
    /** The session the request came with (logOut ends it; a password change keeps it). */
    readonly sessionId?: string,
  ) {}

  static master(): Auth {
    return Auth.MASTER;
  }

  static anonymous(): Auth {
    return Auth.ANONYMOUS;
  }

  static user(userId: string, roles: readonly string[] = [], sessionId?: string): Auth {
    return new Auth(false, userId, roles, sessionId);
  }

  /** The ACL entries that grant this caller access: "*", the user id, "role:<name>" per role. */
  get accessKeys(): readonly string[] {
    if (!this.keys) {
      const keys = ['*'];
      if (this.userId) keys.push(this.userId);
      for (const r of this.roles) keys.push('role:' + r);
      this.keys = keys;
    }
    return this.keys;
  }
}
