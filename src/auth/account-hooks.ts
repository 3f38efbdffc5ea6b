import type { ParseObject } from '../core/index.ts';
import type { Auth } from '../security/index.ts';

/**
 * The extension points around accounts (cloud code's login, logout and password-reset triggers
 * plug in here). `auth` is the request's caller (anonymous with the request's details, for a
 * login). A before hook throws to refuse; an after hook's failure is its own to report.
 * The object is filled and emptied by whoever provides the hooks (one per server).
 */
export interface AccountHooks {
  /** The credentials are right; the session is not made yet. */
  beforeLogin?(userId: string, auth: Auth): Promise<void>;
  /** The session exists; the answer has not been sent. */
  afterLogin?(userId: string, auth: Auth): Promise<void>;
  /** The session was ended (`session` as it was, without its token). */
  afterLogout?(session: ParseObject, auth: Auth): Promise<void>;
  /** A reset was asked for an existing user; nothing is stored or sent yet. */
  beforePasswordResetRequest?(userId: string, auth: Auth): Promise<void>;
}
