import type { Auth } from '../../security/index.ts';
import type { RestResult } from '../respond.ts';

/**
 * Parse 9's answer on an endpoint that needs the master key (its `enforceMasterKeyAccess`,
 * with sanitized errors, the default): HTTP 403 and `{"error": "Permission denied"}`, no code.
 */
export const PERMISSION_DENIED: RestResult = { status: 403, body: { error: 'Permission denied' } };

/** The refusal for a caller without the master key; undefined for the master key. */
export function refuseUnlessMaster(auth: Auth): RestResult | undefined {
  return auth.isMaster ? undefined : PERMISSION_DENIED;
}
