import type { Validator, ValidatorOptions } from '../types.ts';
import { runBuiltInRules } from './built-in.ts';
import { validatorProblem } from './definition.ts';
import type { ValidationContext, ValidationOutcome, ValidatorRequest } from './request.ts';
import { resolveError, validationError } from './resolve-error.ts';

const RUN: ValidationOutcome = Object.freeze({ skipHandler: false });
const SKIP: ValidationOutcome = Object.freeze({ skipHandler: true });

/** The triggers whose validators' rate limits Parse applies (with functions): after-triggers and the rest ignore `rateLimit`. */
const RATE_LIMITED_TRIGGERS = new Set(['beforeSave', 'beforeDelete', 'beforeFind', 'beforeLogin', 'beforePasswordResetRequest']);

/** Whether a handler's rate limit applies, from its registry key (`function:<name>`, `trigger:<kind>:<class>:<n>`). */
export function takesRateLimit(handlerKey: string): boolean {
  const [category, kind] = handlerKey.split(':');
  return category !== 'trigger' || RATE_LIMITED_TRIGGERS.has(kind);
}

/** Each validator object's problem, found once (validators are registered once and called often). */
const problems = new WeakMap<object, string | undefined>();

function problemOf(options: ValidatorOptions): string | undefined {
  if (!problems.has(options)) problems.set(options, validatorProblem(options));
  return problems.get(options);
}

/**
 * Runs a cloud function's or trigger's validator before its handler, as Parse's
 * maybeRunValidator does. A validator function is called with `ctx.handlerRequest` (the
 * request its handler gets); whatever it throws becomes a ParseError (142 "Validation failed."
 * by default, a numeric `code` kept). A validator object first counts the call against its
 * `rateLimit` (error 100, on every transport, for the handlers Parse limits: see
 * takesRateLimit), then applies Parse's rules (error 142 with Parse's messages), writing
 * `fields` defaults and constants into the request's params or object. Resolves when the call
 * may go on; `skipHandler` says the handler must not run (skipWithMasterKey with the master key).
 */
export async function validate(validator: Validator<any> | undefined, request: ValidatorRequest, ctx: ValidationContext): Promise<ValidationOutcome> {
  if (!validator) return RUN;
  try {
    if (typeof validator === 'function') {
      await validator(ctx.handlerRequest ?? request);
      return RUN;
    }
    const problem = problemOf(validator);
    if (problem) throw validationError(problem);
    if (validator.rateLimit && takesRateLimit(ctx.key)) await ctx.rateLimits.check(ctx.key, validator.rateLimit, request);
    await runBuiltInRules(validator, request);
    return validator.skipWithMasterKey && request.master ? SKIP : RUN;
  } catch (e) {
    throw resolveError(e);
  }
}
