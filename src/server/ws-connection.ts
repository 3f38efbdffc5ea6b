import type { WebSocket } from 'ws';
import { ErrorCode } from '../errors/index.ts';
import type { Auth } from '../security/index.ts';
import type { SessionResolver } from '../auth/index.ts';
import { closeReason } from './ws-auth.ts';

/** Close reason of a connection whose session ended (close code 4403). */
export const SESSION_ENDED = closeReason(ErrorCode.INVALID_SESSION_TOKEN, 'Invalid session token');

/** How long a connection whose session ended waits for its subscriptions to report it, before it closes anyway. */
const DRAIN_MS = 1000;

/**
 * One graphql-ws connection: who it is and its running subscriptions. Its session is looked up
 * again as each operation starts (roles may have changed, the session may have expired), as
 * an HTTP request's would be. When its session ends (logOut, revocation, expiry), new operations
 * are refused and the connection closes once its subscriptions have ended — each with its own
 * 209 error from the live engine, so the client sees why — or after a short wait.
 */
export class WsConnection {
  readonly subscriptions = new Set<string>();
  private ending = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: WebSocket,
    private current: Auth,
    /** Stands for the connection where a request is read (the session token of `viewer`). */
    readonly request: Request,
    private readonly sessionToken: string | undefined,
    readonly clientIp?: string,
    readonly installationId?: string,
  ) {}

  /** The Auth last resolved (for matching ended sessions). */
  get auth(): Auth {
    return this.current;
  }

  /** The Auth an operation starting now runs with; undefined once the session has ended. */
  async authNow(sessions: SessionResolver): Promise<Auth | undefined> {
    if (this.ending) return undefined;
    if (!this.sessionToken) return this.current;
    const auth = await sessions.resolve(this.sessionToken);
    if (!auth) {
      this.endSession();
      return undefined;
    }
    this.current = auth;
    return auth;
  }

  endSession(): void {
    if (this.ending) return;
    this.ending = true;
    if (this.subscriptions.size === 0) {
      this.close();
      return;
    }
    this.timer = setTimeout(() => this.close(), DRAIN_MS);
    this.timer.unref();
  }

  /** An operation finished (completed by either side, or failed). */
  completed(id: string): void {
    this.subscriptions.delete(id);
    if (this.ending && this.subscriptions.size === 0) this.close();
  }

  /** The socket closed, for whatever reason. */
  closed(): void {
    clearTimeout(this.timer);
  }

  private close(): void {
    clearTimeout(this.timer);
    this.socket.close(4403, SESSION_ENDED);
  }
}
