import type { Auth } from '../../security/index.ts';
import type { SessionsEnded } from '../types.ts';

/** Whether an ended-sessions message ends the subscriptions opened with `auth`. */
export function endsSessionOf(auth: Auth, ended: SessionsEnded): boolean {
  if (auth.isMaster) return false;
  if (auth.sessionId && ended.sessionIds?.includes(auth.sessionId)) return true;
  if (ended.userId && ended.userId === auth.userId) return !auth.sessionId || auth.sessionId !== ended.exceptSessionId;
  return false;
}
