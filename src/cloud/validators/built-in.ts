import type { FieldRule, ValidatorOptions } from '../types.ts';
import { checkFields, checkOptions } from './field-rules.ts';
import type { ValidatedUser, ValidatorRequest } from './request.ts';
import { validationError } from './resolve-error.ts';

/**
 * The user the rules apply to: the caller, or — when a user signs up, with no one logged in —
 * the new `_User` being saved (Parse's rule, so `requireUser` passes a sign-up's own triggers).
 */
function userOf(request: ValidatorRequest): ValidatedUser | undefined {
  if (request.user) return request.user;
  const object = request.object;
  if (object?.className !== '_User') return undefined;
  const fresh = object.existed ? !object.existed() : object.isNew?.() === true;
  return fresh ? { id: undefined, get: (key) => object.get(key) } : undefined;
}

/** A role rule's names: a list, or a function (async allowed) that gives one. */
async function roleNames(rule: ValidatorOptions['requireAnyUserRoles'], name: string): Promise<readonly string[] | undefined> {
  if (rule === undefined || rule === null) return undefined;
  const names = typeof rule === 'function' ? await rule() : rule;
  if (!Array.isArray(names)) throw validationError(`Validation failed. ${name} must give a list of role names.`);
  return names;
}

async function checkRoles(options: ValidatorOptions, roles: readonly string[]): Promise<void> {
  const [any, all] = await Promise.all([
    roleNames(options.requireAnyUserRoles, 'requireAnyUserRoles'),
    roleNames(options.requireAllUserRoles, 'requireAllUserRoles'),
  ]);
  // As in Parse, an empty list of "any" roles matches no user.
  if (any && !any.some((role) => roles.includes(role))) throw validationError('Validation failed. User does not match the required roles.');
  if (all && !all.every((role) => roles.includes(role))) throw validationError('Validation failed. User does not match all the required roles.');
}

async function checkUserKeys(keys: readonly string[] | Record<string, FieldRule>, user: ValidatedUser | undefined): Promise<void> {
  const rules = keys as Record<string, FieldRule>;
  // The object form checks only `options` (as in Parse: neither required nor type).
  const names = Array.isArray(keys) ? keys : Object.keys(rules).filter((key) => rules[key]?.options);
  if (names.length > 0 && !user) throw validationError('Please login to make this request.');
  if (Array.isArray(keys)) {
    for (const key of names) if (user!.get(key) == null) throw validationError(`Validation failed. Please set data for ${key} on your account.`);
    return;
  }
  await Promise.all(names.map((key) => checkOptions(rules[key], key, user!.get(key))));
}

/**
 * Parse's built-in validator rules, in Parse's order: the master key passes them all (unless
 * `validateMasterKey`), then requireUser (implied by the role rules), requireMaster, fields,
 * roles, requireUserKeys. Runs before the handler; refuses with a 142 ParseError carrying
 * Parse's message; writes `fields` defaults and constants into the request's params or object.
 */
export async function runBuiltInRules(options: ValidatorOptions, request: ValidatorRequest): Promise<void> {
  if (request.master && !options.validateMasterKey) return;
  const user = userOf(request);
  if ((options.requireUser || options.requireAnyUserRoles || options.requireAllUserRoles) && !user) {
    throw validationError('Validation failed. Please login to continue.');
  }
  if (options.requireMaster && !request.master) throw validationError('Validation failed. Master key is required to complete this request.');
  if (options.fields) await checkFields(options.fields, request);
  if (options.requireAnyUserRoles || options.requireAllUserRoles) await checkRoles(options, request.roles);
  if (options.requireUserKeys) await checkUserKeys(options.requireUserKeys, user);
}
