import type { AccountDeps } from './types.ts';
import type { AuthRateLimits } from '../rate-limit.ts';
import type { Lockout } from '../lockout.ts';

/** What the account operations share: the dependencies and the abuse guards (one set per server). */
export interface AccountContext extends AccountDeps {
  limits: AuthRateLimits;
  lockout: Lockout;
}
