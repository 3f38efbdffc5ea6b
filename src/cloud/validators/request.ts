import type { CloudRateLimits } from './rate-limits.ts';

/** A user as the rules read it (a CloudObject fits). */
export interface ValidatedUser {
  id: string | undefined;
  get(key: string): unknown;
}

/** The object a trigger's `fields` rules read and may change (a CloudObject fits). */
export interface ValidatedObject {
  readonly className?: string;
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
  unset?(key: string): unknown;
  /** Not saved yet. */
  isNew?(): boolean;
  /** Parse's `existed()`: saved before this operation (preferred over isNew when given, as Parse does). */
  existed?(): boolean;
}

/**
 * What a validator checks, built by the function call or trigger that runs it: who calls
 * (master, user, roles, address, session) and the data the `fields` rules apply to — `params`
 * for a function, `object` (with `original` on update) for a trigger.
 */
export interface ValidatorRequest {
  master: boolean;
  user?: ValidatedUser;
  /** The user's role names, inherited ones included, without "role:" (Auth.roles). */
  roles: readonly string[];
  /** A function's params: `fields` apply to them and defaults are written into them. */
  params?: Record<string, any>;
  /** A trigger's object: `fields` apply to it; defaults and `constant` change it. */
  object?: ValidatedObject;
  /** The object as stored, on update. */
  original?: { get(key: string): unknown };
  /** The client address (rate limits count by it unless the zone says otherwise). */
  ip?: string;
  /** The caller's session (its id, never the token): the "session" rate-limit zone. */
  sessionId?: string;
  /** The call comes from cloud code or the server itself, not a client (Parse's internal request). */
  internal?: boolean;
}

/** What validation needs from outside the request. */
export interface ValidationContext {
  /** The registered handler's key (a registry entry's `key`): rate limits count per handler. */
  key: string;
  /** This instance's rate-limit state (one per server), with the shared counters and the clock. */
  rateLimits: CloudRateLimits;
  /** What a validator function is called with: the request its handler gets (default: the checked request). */
  handlerRequest?: unknown;
}

/** The outcome of a validator that let the call through. */
export interface ValidationOutcome {
  /** skipWithMasterKey on a master-key call: the handler must not run (Parse skips it for triggers). */
  skipHandler: boolean;
}
