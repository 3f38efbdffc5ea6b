/**
 * Where a request came from and what it carries for cloud code: the client's address, headers
 * and installation id, and `X-Parse-Cloud-Context`. One object per request, shared by every
 * operation (and trigger) the request runs.
 */
export interface RequestInfo {
  ip?: string;
  headers?: Headers;
  installationId?: string;
  /** `X-Parse-Cloud-Context`: shared by every trigger of the request (one may leave values for the next). */
  context: Record<string, unknown>;
  /** Cloud code run for this request, in order, with its time (named in the request's log line). */
  trace?: { name: string; ms: number; error?: boolean }[];
  /** The cloud triggers under way around the operation, outermost first (the re-entrance guard). */
  chain?: readonly string[];
  /**
   * A dashboard admin browsing as this request's user: their email. The write is the user's
   * (their ACL and CLP apply) but the audit trail records who made it.
   */
  actingAdmin?: string;
  /** Values the cloud layer reads once per request (the caller's user). */
  cache?: Map<string, unknown>;
}

/**
 * What a dashboard admin may touch, carried by their Auth (`Auth.admin`). Core enforces it on
 * every operation (reads, writes, counts, live subscriptions), whatever screen asked: an admin
 * acts with the master key's reach inside the scope and nowhere outside it.
 */
export interface AdminScope {
  /** The dashboard user (audit trail actor). */
  readonly adminId: string;
  readonly email: string;
  /** No writes of any kind (objects, schema, files, push, jobs). */
  readonly readOnly: boolean;
  /** Absent: every class. Present: only these classes (absent `fields`: every field of it). */
  readonly classes?: ReadonlyMap<string, { readonly fields?: ReadonlySet<string>; readonly write: boolean }>;
}

/**
 * Who is asking. Resolved once per request (transport → Auth) and passed to every core
 * operation; the only input to access decisions. Users, sessions and roles fill `userId` and
 * `roles` (see auth/); the master key bypasses ACLs.
 */
export class Auth {
  private static readonly ANONYMOUS = new Auth(false, undefined, []);
  private static readonly MASTER = new Auth(true, undefined, []);
  private static readonly MASTER_KEY = new Auth(true, undefined, [], undefined, undefined, undefined, true);
  private keys: string[] | undefined;

  private constructor(
    readonly isMaster: boolean,
    readonly userId: string | undefined,
    /** Names of the roles the user holds, inherited ones included (without the "role:" prefix). */
    readonly roles: readonly string[],
    /** The session the request came with (logOut ends it; a password change keeps it). */
    readonly sessionId?: string,
    /** Where the request came from (absent for the server's own operations). */
    readonly request?: RequestInfo,
    /** A dashboard admin: master reach, limited by this scope (enforced in core). */
    readonly admin?: AdminScope,
    /**
     * The master key as a caller presented it (Auth.masterKey()), not the server acting on its
     * own (Auth.master()): the audit trail records the writes of the one, not of the other.
     */
    readonly masterKeyCaller = false,
  ) {}

  /** The same caller, for a request with these details (one Auth per request; Auth is immutable). */
  withRequest(request: RequestInfo | undefined): Auth {
    return new Auth(this.isMaster, this.userId, this.roles, this.sessionId, request, this.admin, this.masterKeyCaller);
  }

  /** A dashboard admin's Auth: the master key's reach within `scope` (see AdminScope). */
  static admin(scope: AdminScope): Auth {
    return new Auth(true, undefined, [], undefined, undefined, scope);
  }

  /** The server's own reach (internal reads and writes): not audited. */
  static master(): Auth {
    return Auth.MASTER;
  }

  /** The master key presented with a request (credential check): the same reach as master(), audited. */
  static masterKey(): Auth {
    return Auth.MASTER_KEY;
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
