import { errors } from '../../errors/index.ts';
import type { Condition, FieldRef } from '../ast.ts';
import { checkText } from '../values.ts';
import { invalid } from './state.ts';

/** Characters that have a meaning in a JavaScript pattern, inside or outside a class. */
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/-]/;

/**
 * Brings a `matchesRegex` pattern and its options into the AST's form (see ast.ts): plain
 * JavaScript RegExp syntax with options among i, m and s. Parse's SDKs quote literals as
 * `\Q…\E` (startsWith, contains), which JavaScript lacks: the quoted text is escaped here.
 * Option x (Mongo's "extended") is applied here too: white space and `#` comments outside a
 * class are dropped. A pattern JavaScript rejects is error 102.
 */
export function normalizeRegex(pattern: string, options: string): { pattern: string; options: string } {
  const extended = options.includes('x');
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && pattern[i + 1] === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
      for (const ch of literal) out += REGEX_SYNTAX.test(ch) || /\s|#/.test(ch) ? '\\' + ch : ch;
      i = end < 0 ? pattern.length : end + 1;
    } else if (c === '\\' && pattern[i + 1] === 'E' && !inClass) {
      i++; // a \E that closes no \Q: PCRE (MongoDB, the SDKs' reference) ignores it
    } else if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (extended && /\s/.test(c)) {
      // Option x: unescaped whitespace outside a class is not part of the pattern.
    } else if (extended && c === '#') {
      while (i + 1 < pattern.length && pattern[i + 1] !== '\n') i++;
    } else {
      out += c;
    }
  }
  const flags = [...new Set(options.replace(/x/g, ''))].join('');
  try {
    new RegExp(out, flags);
  } catch (e) {
    throw errors.invalidQuery(`Invalid regular expression: ${whyInvalid(e as Error)}`);
  }
  return { pattern: out, options: flags };
}

/** Characters that are not literal in a JavaScript pattern when unescaped (outside a class). */
const REGEX_OPERATOR = /[\^$.*+?()[\]{}|]/;

/**
 * The text a pattern in the AST's form matches at the start of a string, when it is `^` and
 * literal characters only: plain ones, or punctuation escaped as normalizeRegex escapes quoted
 * text. Undefined for any other pattern (`\d`, `.`, a class, an anchor at the end…).
 */
export function literalPrefix(pattern: string): string | undefined {
  if (!pattern.startsWith('^')) return undefined;
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const escaped = pattern[++i];
      // A letter or digit after a backslash is a class, a boundary, a back reference…
      if (escaped === undefined || /[A-Za-z0-9]/.test(escaped)) return undefined;
      prefix += escaped;
    } else if (REGEX_OPERATOR.test(c)) {
      return undefined;
    } else {
      prefix += c;
    }
  }
  return prefix;
}

/**
 * The reason in JavaScript's message for a pattern it refuses, without the message's own
 * "Invalid regular expression: /<pattern>/<flags>: " prefix (the caller says that once, and
 * the pattern, which the client sent, can be long).
 */
function whyInvalid(error: Error): string {
  return error.message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '');
}

/**
 * matchesRegex with its options (flags i, m, x, s) on a String or File field, or a value inside
 * an Object field. A pattern holding text PostgreSQL cannot take (a NUL character, a lone
 * surrogate) is error 111, naming the field (`\0` and `\x00` spell NUL in a pattern).
 */
export function parseRegex(field: FieldRef, pattern: unknown, options: unknown): Condition {
  if (field.type !== 'String' && field.type !== 'File' && !field.path) invalid(`matchesRegex applies to String fields only`);
  if (typeof pattern !== 'string') invalid('matchesRegex must be a string');
  if (options !== undefined && options !== null && (typeof options !== 'string' || !/^[imxs]*$/.test(options))) {
    invalid('options may only contain the flags i, m, x and s');
  }
  return { kind: 'regex', field, ...normalizeRegex(checkText(pattern, field.name), (options as string | undefined) ?? '') };
}
