import type { RestRoute } from '../router.ts';
import { createObject, deleteObject, findObjects, getObject, updateObject } from '../objects.ts';

/**
 * Find, get, create, update and delete under `<prefix>`: `classes/:className`, or a system
 * class's own path (`roles` → _Role, `installations` → _Installation).
 */
export function objectRoutes(prefix: string, fixedClass?: string): RestRoute[] {
  const base = fixedClass ? prefix : `${prefix}/:className`;
  const name = (p: Record<string, string>) => fixedClass ?? p.className;
  return [
    { method: 'GET', path: base, handler: (req, p, deps) => findObjects(deps, req, name(p)) },
    { method: 'POST', path: base, handler: (req, p, deps) => createObject(deps, req, name(p)) },
    { method: 'GET', path: `${base}/:objectId`, handler: (req, p, deps) => getObject(deps, req, name(p), p.objectId) },
    { method: 'PUT', path: `${base}/:objectId`, handler: (req, p, deps) => updateObject(deps, req, name(p), p.objectId) },
    { method: 'DELETE', path: `${base}/:objectId`, handler: (req, p, deps) => deleteObject(deps, req, name(p), p.objectId) },
  ];
}

/** `classes/<C>`, `roles` and `installations`: the same object operations (users and sessions have their own routes). */
export const classesRoutes: RestRoute[] = [...objectRoutes('roles', '_Role'), ...objectRoutes('installations', '_Installation'), ...objectRoutes('classes')];
