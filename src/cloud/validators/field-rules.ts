import type { FieldRule } from '../types.ts';
import { messageOf, resolveError, validationError } from './resolve-error.ts';
import type { ValidatorRequest } from './request.ts';

/** Reads and writes the values `fields` apply to: a function's params or a trigger's object. */
interface Target {
  read(key: string): unknown;
  /** Writes a default in (into params, and onto the object). */
  write(key: string, value: unknown): void;
}

function targetOf(request: ValidatorRequest): Target {
  const { object, params } = request;
  if (object) return { read: (key) => object.get(key), write: (key, value) => void object.set(key, value) };
  const values = params ?? {};
  // Own keys only: a client's params must not reach `constructor` or `__proto__` through a rule.
  return { read: (key) => (Object.hasOwn(values, key) ? values[key] : undefined), write: (key, value) => void (values[key] = value) };
}

/** The type a rule names, lower case, as Parse's message shows it: String → "string". */
function typeName(type: NonNullable<FieldRule['type']>): string {
  return (typeof type === 'string' ? type : (type.name ?? '')).toLowerCase();
}

/**
 * Whether a value is of the named type, as Parse decides it (`typeof`, arrays apart, so null
 * passes Object). A Date passes Date as well as Object: Parse reads a trigger's object as JSON,
 * where a date is an object and Date can never match; here the object gives real dates.
 */
function hasType(value: unknown, type: string): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'date') return value instanceof Date;
  if (type === 'object') return typeof value === 'object' && !Array.isArray(value);
  return typeof value === type;
}

function requireValue(value: unknown, key: string): void {
  if (value == null) throw validationError(`Validation failed. Please specify data for ${key}.`);
}

/**
 * Checks a value against a rule's `options`: a list (or a single value) it must be among, or a
 * function (async allowed) that refuses by returning a falsy value other than null/undefined,
 * or by throwing — whose message becomes a 142, unless the rule has its own `error`.
 */
export async function checkOptions(rule: FieldRule, key: string, value: unknown): Promise<void> {
  const options = rule.options;
  if (typeof options === 'function') {
    let result: unknown;
    try {
      result = await options(value);
    } catch (e) {
      if (rule.error) throw validationError(rule.error);
      if (!e) throw validationError(`Validation failed. Invalid value for ${key}.`);
      // Parse keeps only the message of what the function threw (its code becomes 142).
      throw messageOf(e) ? validationError(messageOf(e)) : resolveError(e);
    }
    if (!result && result != null) throw validationError(rule.error || `Validation failed. Invalid value for ${key}.`);
    return;
  }
  const allowed: readonly unknown[] = Array.isArray(options) ? options : [options];
  if (!allowed.includes(value)) throw validationError(rule.error || `Validation failed. Invalid option for ${key}. Expected: ${allowed.join(', ')}`);
}

/**
 * A validator's `fields`: a list of keys that must have a value, or rules per key (default,
 * constant, required, type, options). Runs before a function or trigger handler; writes
 * defaults into the params or onto the object, and puts a constant field back to its stored
 * value (update) or its default (create). Every key's required and type checks come first; the
 * options are then checked together, so the first refusal in that order is the one reported.
 */
export async function checkFields(fields: readonly string[] | Record<string, FieldRule>, request: ValidatorRequest): Promise<void> {
  const target = targetOf(request);
  if (Array.isArray(fields)) {
    for (const key of fields) requireValue(target.read(key), key);
    return;
  }
  const optionChecks: (() => Promise<void>)[] = [];
  for (const [key, rule] of Object.entries(fields as Record<string, FieldRule>)) {
    let value = target.read(key);
    if (rule.default != null && value == null) {
      value = rule.default;
      target.write(key, value);
    }
    if (rule.constant && request.object) keepConstant(request, key, rule);
    // Parse checks the value as the client sent it (or the default), even for a constant field.
    if (rule.required) requireValue(value, key);
    if (rule.required || value !== undefined) {
      if (rule.type) {
        const type = typeName(rule.type);
        if (!hasType(value, type)) throw validationError(`Validation failed. Invalid type for ${key}. Expected: ${type}`);
      }
      if (rule.options) optionChecks.push(() => checkOptions(rule, key, value));
    }
  }
  await Promise.all(optionChecks.map((check) => check()));
}

/** Puts a constant field back: to the stored value on update, to the default on create (else the client's value stays, as in Parse). */
function keepConstant(request: ValidatorRequest, key: string, rule: FieldRule): void {
  const object = request.object!;
  if (request.original) {
    const stored = request.original.get(key);
    if (stored === undefined && object.unset) object.unset(key);
    else object.set(key, stored);
  } else if (rule.default != null) {
    object.set(key, rule.default);
  }
}
