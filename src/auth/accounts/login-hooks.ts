import { Auth } from '../../security/index.ts';
import type { AccountContext } from './context.ts';
import type { RequestOrigin } from './types.ts';

/** Runs the beforeLogin hook (cloud code's beforeLogin): its throw refuses the login, before any session exists. */
export async function beforeLogin(a: AccountContext, userId: string, origin: RequestOrigin): Promise<void> {
  const hook = a.hooks?.beforeLogin;
  if (hook) await hook(userId, origin.auth ?? Auth.anonymous());
}

/** Runs the afterLogin hook once the session exists; its failure is logged, the login stands. */
export async function afterLogin(a: AccountContext, userId: string, origin: RequestOrigin): Promise<void> {
  const hook = a.hooks?.afterLogin;
  if (!hook) return;
  try {
    await hook(userId, origin.auth ?? Auth.anonymous());
  } catch (error) {
    a.logger.error({ err: error, userId }, 'afterLogin failed; the login stands');
  }
}
