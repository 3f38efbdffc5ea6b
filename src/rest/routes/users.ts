import { requestPasswordReset, verificationEmailRequest } from '../accounts/email.ts';
import { challenge, logIn, logInAs, logOut, verifyPassword } from '../accounts/log-in.ts';
import { signUp } from '../accounts/sign-up.ts';
import { getUser, me } from '../accounts/users.ts';
import { deleteObject, findObjects, updateObject } from '../objects.ts';
import type { RestRoute } from '../router.ts';

/** Find, sign up, get, update and delete users under `users` or `classes/_User` (Parse serves both alike). */
function userObjectRoutes(base: string): RestRoute[] {
  return [
    { method: 'GET', path: base, handler: (req, _p, deps) => findObjects(deps, req, '_User') },
    { method: 'POST', path: base, handler: (req, _p, deps) => signUp(deps, req) },
    { method: 'GET', path: `${base}/:objectId`, handler: (req, p, deps) => getUser(deps, req, p.objectId) },
    { method: 'PUT', path: `${base}/:objectId`, handler: (req, p, deps) => updateObject(deps, req, '_User', p.objectId) },
    { method: 'DELETE', path: `${base}/:objectId`, handler: (req, p, deps) => deleteObject(deps, req, '_User', p.objectId) },
  ];
}

/**
 * Parse's UsersRouter: users (sign-up, `me`, get, update, delete — writes go through core, whose
 * _User rules decide who may change whom), log in and out, `loginAs`, the email flows,
 * `verifyPassword` and `challenge`. `users/me` comes before `users/:objectId`.
 */
export const usersRoutes: RestRoute[] = [
  { method: 'GET', path: 'users/me', handler: (req, _p, deps) => me(deps, req) },
  ...userObjectRoutes('users'),
  ...userObjectRoutes('classes/_User'),
  { method: 'GET', path: 'login', handler: (req, _p, deps) => logIn(deps, req) },
  { method: 'POST', path: 'login', handler: (req, _p, deps) => logIn(deps, req) },
  { method: 'POST', path: 'loginAs', handler: (req, _p, deps) => logInAs(deps, req) },
  { method: 'POST', path: 'logout', handler: (req, _p, deps) => logOut(deps, req) },
  { method: 'POST', path: 'requestPasswordReset', handler: (req, _p, deps) => requestPasswordReset(deps, req) },
  { method: 'POST', path: 'verificationEmailRequest', handler: (req, _p, deps) => verificationEmailRequest(deps, req) },
  { method: 'GET', path: 'verifyPassword', handler: (req, _p, deps) => verifyPassword(deps, req) },
  { method: 'POST', path: 'verifyPassword', handler: (req, _p, deps) => verifyPassword(deps, req) },
  { method: 'POST', path: 'challenge', handler: (req, _p, deps) => challenge(deps, req) },
];
