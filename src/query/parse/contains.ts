import type { Condition, FieldRef } from '../ast.ts';
import { checkJsonText, checkText } from '../values.ts';
import { literalPrefix, normalizeRegex } from './regex.ts';
import { invalid, isObject } from './state.ts';

/** A `{$regex: …}` object, which Parse.Query's containsAllStartingWith puts in a `$all` list. */
function isRegexObject(value: unknown): value is Record<string, unknown> {
  return isObject(value) && Object.hasOwn(value, '$regex');
}

/**
 * `contains` ($all) on an Array field. A list of `{$regex: '^…'}` objects — what Parse.Query's
 * containsAllStartingWith sends, each prefix quoted as `\Q…\E` — asks for string elements
 * starting with each prefix; any other list, for elements equal to each value. As in Parse
 * Server, a list that mixes regexes and values is error 102. A regex that is not `^` and literal
 * text is 102 too: Parse Server on PostgreSQL would compare it as a plain object and silently
 * match nothing.
 */
export function parseContains(field: FieldRef, values: unknown[]): Condition {
  const regexes = values.filter(isRegexObject);
  if (regexes.length === 0) return { kind: 'containsAll', field, values: checkJsonText(values, field.name) };
  if (regexes.length !== values.length) invalid(`All $all values must be of regex type or none: ${JSON.stringify(values)}`);
  return { kind: 'containsAllStartingWith', field, prefixes: regexes.map((regex) => prefixOf(field, regex)) };
}

function prefixOf(field: FieldRef, regex: Record<string, unknown>): string {
  const pattern = regex.$regex;
  if (typeof pattern !== 'string') invalid('$regex must be a string');
  if (Object.keys(regex).some((k) => k !== '$regex' && k !== '$options')) invalid('A regex in $all takes only $regex');
  // Options would change what the prefix means (i: any case, m: a prefix of any line).
  if (regex.$options !== undefined && regex.$options !== null && regex.$options !== '') invalid('A regex in $all takes no $options');
  const prefix = literalPrefix(normalizeRegex(checkText(pattern, field.name), '').pattern);
  if (prefix === undefined) {
    invalid(`A regex in $all must be a prefix: ^ and literal text, as containsAllStartingWith sends (not ${JSON.stringify(pattern)})`);
  }
  return prefix;
}
