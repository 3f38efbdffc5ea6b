/** Line terminators of JavaScript's RegExp, as a PostgreSQL bracket expression. */
const LINE_BREAK = '[\\n\\r\\u2028\\u2029]';

/**
 * Translates a JavaScript pattern with options among i, m and s (the AST's form, see ast.ts)
 * into a PostgreSQL ARE that matches the same strings. PostgreSQL runs in its
 * non-newline-sensitive mode (embedded option `s`, plus `i`); JavaScript's line handling is
 * spelled out instead, because PostgreSQL's newline-sensitive modes know only "\n" and also
 * stop `[^x]` from matching it. Escapes whose meaning differs are rewritten: `\b` `\B` (word
 * boundaries, spelled out with ASCII word characters as JavaScript's), `\d` `\w` `\s` and their
 * negations (spelled out: PostgreSQL's follow the locale), `\xHH` (PostgreSQL reads every following hex digit),
 * identity escapes of letters (`\a` is "a" in JavaScript, an escape in PostgreSQL), named
 * groups and `\k<name>`; a `{` that does not start a quantifier is a literal.
 */
export function regexToPostgres(pattern: string, options: string): string {
  const multiline = options.includes('m');
  const dotAll = options.includes('s');
  const groups = namedGroups(pattern);
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const [text, used] = translateEscape(pattern, i + 1, inClass, groups);
      out += text;
      i += used;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      if (pattern.startsWith('[]', i)) {
        out += '(?!)'; // JavaScript's empty class matches nothing
        i += 1;
      } else if (pattern.startsWith('[^]', i)) {
        out += '[\\s\\S]';
        i += 2;
      } else {
        inClass = true;
        out += c;
      }
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : `[^${LINE_BREAK.slice(1)}`;
    } else if (c === '^') {
      out += multiline ? `(?:^|(?<=${LINE_BREAK}))` : '^';
    } else if (c === '$') {
      out += multiline ? `(?:$|(?=${LINE_BREAK}))` : '$';
    } else if (c === '(' && pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
      out += '(';
      i = pattern.indexOf('>', i);
    } else if (c === '{' && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      out += '\\{';
    } else {
      out += c;
    }
  }
  return `(?s${options.includes('i') ? 'i' : ''})${out}`;
}

/**
 * JavaScript's \d \w \s (without the u flag), spelled out for a bracket expression: in
 * PostgreSQL they follow the locale's character classes, so "é" would be a word character and
 * U+00A0 no space. (\D \W \S inside a bracket cannot be spelled out and keep PostgreSQL's meaning.)
 */
const CLASS_ESCAPE: Record<string, string> = {
  d: '0-9',
  w: 'A-Za-z0-9_',
  s: '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff',
};
const WORD = `[${CLASS_ESCAPE.w}]`;
/** JavaScript's \b and \B: PostgreSQL's \y and \Y use its own (locale) word characters. */
const WORD_BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NOT_WORD_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;

/** The escape at `pattern[at]` (after a backslash) in PostgreSQL, and how many characters it used. */
function translateEscape(pattern: string, at: number, inClass: boolean, groups: Map<string, number>): [string, number] {
  const c = pattern[at];
  if (c === undefined) return ['\\\\', 0];
  if (c === 'b') return [inClass ? '\\b' : WORD_BOUNDARY, 1];
  if (c === 'B') return [inClass ? 'B' : NOT_WORD_BOUNDARY, 1];
  if (c === 'd' || c === 'w' || c === 's') return [inClass ? CLASS_ESCAPE[c] : `[${CLASS_ESCAPE[c]}]`, 1];
  if (!inClass && (c === 'D' || c === 'W' || c === 'S')) return [`[^${CLASS_ESCAPE[c.toLowerCase()]}]`, 1];
  if ('DWSfnrtv'.includes(c)) return ['\\' + c, 1];
  if (c === 'x' && /^[0-9a-fA-F]{2}/.test(pattern.slice(at + 1))) return ['\\u00' + pattern.slice(at + 1, at + 3), 3];
  if (c === 'u' && /^[0-9a-fA-F]{4}/.test(pattern.slice(at + 1))) return ['\\u' + pattern.slice(at + 1, at + 5), 5];
  if (c === 'c' && /^[a-zA-Z]/.test(pattern[at + 1] ?? '')) return ['\\c' + pattern[at + 1], 2];
  if (c === '0' && !/\d/.test(pattern[at + 1] ?? '')) return ['\\u0000', 1];
  if (/\d/.test(c) && !inClass) {
    const digits = /^\d+/.exec(pattern.slice(at))![0];
    return ['\\' + digits, digits.length];
  }
  if (c === 'k' && pattern[at + 1] === '<' && groups.size > 0) {
    const end = pattern.indexOf('>', at);
    const index = groups.get(pattern.slice(at + 2, end));
    if (index !== undefined) return ['\\' + index, end - at + 1];
  }
  if (/[a-zA-Z0-9]/.test(c)) return [c, 1]; // an identity escape in JavaScript
  return ['\\' + c, 1];
}

/** Capture group number of each named group `(?<name>…)`, counting groups as JavaScript does. */
function namedGroups(pattern: string): Map<string, number> {
  const names = new Map<string, number>();
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] !== '?') count++;
    else if (c === '(' && pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
      const end = pattern.indexOf('>', i);
      names.set(pattern.slice(i + 3, end), ++count);
    }
  }
  return names;
}
