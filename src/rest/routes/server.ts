import { refuseUnlessMaster } from '../cloud/master-only.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { RestRoute } from '../router.ts';

/** The Parse Server release whose REST API this one answers as (SDKs and the dashboard compare it). */
export const PARSE_SERVER_VERSION = '9.10.0';

/** `GET /health`: Parse's liveness answer, without credentials (Parse answers it before its header checks). */
async function health(): Promise<RestResult> {
  return { body: { status: 'ok' } };
}

/**
 * What this server offers, in the shape of Parse's FeaturesRouter — true only for what Plinth's
 * REST API serves: Parse Config, cloud jobs, schemas (with purge), push when a provider is
 * configured (scheduled and localized pushes included). Parse's `hooks`, `logs` and push
 * audience endpoints are not served, nor its security check.
 */
function features(deps: RestDeps) {
  const push = deps.push.configured;
  return {
    globalConfig: { create: true, read: true, update: true, delete: true },
    hooks: { create: false, read: false, update: false, delete: false },
    cloudCode: { jobs: true },
    logs: { level: false, size: false, order: false, until: false, from: false },
    push: { immediatePush: push, scheduledPush: push, storedPushData: push, pushAudiences: false, localization: push },
    schemas: {
      addField: true,
      removeField: true,
      addClass: true,
      removeClass: true,
      clearAllDataFromClass: true,
      exportClass: false,
      editClassLevelPermissions: true,
      editPointerPermissions: true,
    },
    settings: { securityCheck: false },
  };
}

/** `GET /serverInfo`: master key only (403 `Permission denied`, as Parse). */
async function serverInfo(req: RestRequest, _path: unknown, deps: RestDeps): Promise<RestResult> {
  return refuseUnlessMaster(req.auth) ?? { body: { features: features(deps), parseServerVersion: PARSE_SERVER_VERSION } };
}

export const serverRoutes: RestRoute[] = [
  { method: 'GET', path: 'health', handler: health, public: true },
  { method: 'POST', path: 'health', handler: health, public: true },
  { method: 'GET', path: 'serverInfo', handler: serverInfo },
];
