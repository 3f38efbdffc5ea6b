import type { Auth } from '../../security/index.ts';

/** The actors the trail names besides dashboard admins (their email). */
export const MASTER_KEY_ACTOR = 'master key';
export const CLOUD_CODE_ACTOR = 'cloud code';

/**
 * Who the audit trail records as having made a write, or undefined when it is not audited:
 * - a dashboard admin (Auth.admin): its email, whatever the screen;
 * - the master key presented with a request (Auth.masterKey()): 'master key';
 * - cloud code acting with the master key (`useMasterKey`, jobs), i.e. a master Auth inside a
 *   handler (its request's trigger chain is not empty): 'cloud code' — a client may have
 *   started it without any key, so it is not the master key's holder acting;
 * - the server's own writes (Auth.master() outside cloud code: sessions, email flows,
 *   migrations) and every client write are not audited.
 * - a dashboard admin browsing as a user (the user's Auth, `request.actingAdmin` set):
 *   '<email> as <userId>';
 * Called for every write (WriteHooks.only): a few property tests.
 */
export function auditActor(auth: Auth): string | undefined {
  if (!auth.isMaster) return auth.request?.actingAdmin ? `${auth.request.actingAdmin} as ${auth.userId}` : undefined;
  if (auth.admin) return auth.admin.email;
  if (auth.request?.chain?.length) return CLOUD_CODE_ACTOR;
  return auth.masterKeyCaller ? MASTER_KEY_ACTOR : undefined;
}
