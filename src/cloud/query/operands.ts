import { errors } from '../../errors/index.ts';
import { CloudGeoPointValue, encodeJson } from '../object/index.ts';

/*
 * The operands Parse.Query puts in a REST where: values encoded as the REST API expects them,
 * regex literals quoted, points checked.
 */

/** A value as Parse's REST where takes it: Parse JSON with objects as pointers (104 for an unsaved one). */
export function restOperand(value: unknown): unknown {
  return encodeJson(value, { forcePointers: true });
}

/** Quotes text for a `$regex` (`\Q…\E`, as Parse's SDKs do; the parser escapes it). */
export function quoteRegex(text: string): string {
  return '\\Q' + text.replaceAll('\\E', '\\E\\\\E\\Q') + '\\E';
}

/** A point's REST JSON, checked (111 or 107 for a bad point). */
export function pointOperand(point: unknown, key: string): { __type: 'GeoPoint'; latitude: number; longitude: number } {
  return (point instanceof CloudGeoPointValue ? point : new CloudGeoPointValue(point, key)).toJSON();
}

export function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw errors.invalidQuery(`${what} must be a string`);
  return value;
}

export function requireList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw errors.invalidQuery(`${what} needs a list of values`);
  return value;
}

export function requireDistance(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw errors.invalidQuery('A distance must be a non-negative number');
  return value;
}

/** `$options` for a regex: the given modifiers plus the flags of a RegExp that Parse's where understands. */
export function regexOptions(regex: RegExp | string, modifiers: string | undefined): string {
  let options = modifiers ?? '';
  if (typeof options !== 'string') throw errors.invalidQuery('Regex modifiers must be a string');
  if (regex instanceof RegExp) {
    if (regex.ignoreCase) options += 'i';
    if (regex.multiline) options += 'm';
    if (regex.dotAll) options += 's';
  }
  return [...new Set(options)].join('');
}

/** Order keys as Parse.Query takes them: strings or lists, comma-separated, white space ignored. */
export function orderKeys(keys: (string | string[])[], prefix: '' | '-'): string[] {
  return keys
    .flatMap((k) => (Array.isArray(k) ? k.join(',') : requireString(k, 'An order key')).replace(/\s/g, '').split(','))
    .filter((k) => k !== '')
    .map((k) => prefix + k);
}

/** Keys of select / exclude / include: strings or lists of strings. */
export function keyList(keys: (string | string[])[], what: string): string[] {
  return keys.flat().map((k) => requireString(k, what));
}
