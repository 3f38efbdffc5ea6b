export { takesRateLimit, validate } from './validate.ts';
export type { ValidatorRequest, ValidatedUser, ValidatedObject, ValidationContext, ValidationOutcome } from './request.ts';
export { CloudRateLimits, DEFAULT_RATE_LIMIT_MESSAGE, type CloudRateLimitsOptions } from './rate-limits.ts';
export { validatorProblem } from './definition.ts';
export { resolveError, messageOf } from './resolve-error.ts';
