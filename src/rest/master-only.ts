import type { RestHandler } from './router.ts';

/**
 * An endpoint for the master key only, refused as Parse's promiseEnforceMasterKeyAccess does:
 * HTTP 403 with `{"error": "Permission denied"}` and no code (Parse's message with its default
 * enableSanitizedErrorResponse). Dashboard admins carry the master key and pass; what their
 * scope allows is decided further in.
 */
export function masterOnly(handler: RestHandler): RestHandler {
  return (req, params, deps) => (req.auth.isMaster ? handler(req, params, deps) : Promise.resolve({ status: 403, body: { error: 'Permission denied' } }));
}
