import { findSessions, getSession, mySession, upgradeToRevocableSession } from '../accounts/sessions.ts';
import { createObject, deleteObject, updateObject } from '../objects.ts';
import type { RestRoute } from '../router.ts';

/**
 * Parse's SessionsRouter over core's `_Session` rules: each user reaches only their own
 * sessions (209 without one), the master key every session; clients create none (119) — a
 * session comes from signing up or logging in. `sessions/me` comes before `sessions/:objectId`.
 */
export const sessionsRoutes: RestRoute[] = [
  { method: 'GET', path: 'sessions/me', handler: (req, _p, deps) => mySession(deps, req) },
  { method: 'GET', path: 'sessions', handler: (req, _p, deps) => findSessions(deps, req) },
  { method: 'POST', path: 'sessions', handler: (req, _p, deps) => createObject(deps, req, '_Session') },
  { method: 'GET', path: 'sessions/:objectId', handler: (req, p, deps) => getSession(deps, req, p.objectId) },
  { method: 'PUT', path: 'sessions/:objectId', handler: (req, p, deps) => updateObject(deps, req, '_Session', p.objectId) },
  { method: 'DELETE', path: 'sessions/:objectId', handler: (req, p, deps) => deleteObject(deps, req, '_Session', p.objectId) },
  { method: 'POST', path: 'upgradeToRevocableSession', handler: (req, _p, deps) => upgradeToRevocableSession(deps, req) },
];
