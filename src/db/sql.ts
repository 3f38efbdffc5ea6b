import { ParseError, ErrorCode } from '../errors/index.ts';

/**
 * Quotes an SQL identifier. Class and field names are validated long before they reach SQL
 * (schema/names.ts); quoting here is the second line of defence, never the only one.
 */
export function ident(name: string): string {
  if (name.includes('\0')) throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Invalid name: ${JSON.stringify(name)}`);
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Quotes a string literal for the few places (DDL) where PostgreSQL takes no parameters. */
export function literal(value: string): string {
  if (value.includes('\0')) throw new ParseError(ErrorCode.INVALID_VALUE, 'Invalid value');
  return "'" + value.replace(/'/g, "''") + "'";
}

/**
 * Collects positional parameters while a statement is being built: `params.add(v)` returns the
 * placeholder (`$3`) for the value.
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return '$' + this.values.length;
  }
}

/** Where a quoted or commented span that starts at `i` ends (the index after it), or -1 for none. */
function skipSpan(script: string, i: number): number {
  const c = script[i];
  const n = script.length;
  if (c === "'" || c === '"') {
    // E'…' strings take backslash escapes; '' and "" double their quote everywhere.
    const escapes = c === "'" && /[Ee]/.test(script[i - 1] ?? '') && !/[A-Za-z0-9_$]/.test(script[i - 2] ?? '');
    for (let j = i + 1; j < n; j++) {
      if (escapes && script[j] === '\\') j++;
      else if (script[j] === c) {
        if (script[j + 1] === c) j++;
        else return j + 1;
      }
    }
    return n;
  }
  if (c === '-' && script[i + 1] === '-') {
    const end = script.indexOf('\n', i);
    return end === -1 ? n : end + 1;
  }
  if (c === '/' && script[i + 1] === '*') {
    // Block comments nest in PostgreSQL.
    let depth = 1;
    let j = i + 2;
    while (j < n && depth > 0) {
      const pair = script.slice(j, j + 2);
      if (pair === '/*' || pair === '*/') {
        depth += pair === '/*' ? 1 : -1;
        j += 2;
      } else j++;
    }
    return j;
  }
  if (c === '$' && !/[A-Za-z0-9_$]/.test(script[i - 1] ?? '')) {
    // $$…$$ or $tag$…$tag$; not $1 (a parameter) nor a $ inside an identifier.
    const m = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64));
    if (!m) return -1;
    const end = script.indexOf(m[0], i + m[0].length);
    return end === -1 ? n : end + m[0].length;
  }
  return -1;
}

/** True when a statement holds nothing but whitespace and comments. */
function isBlank(statement: string): boolean {
  for (let i = 0; i < statement.length; ) {
    if (/\s/.test(statement[i])) i++;
    else if ((statement[i] === '-' && statement[i + 1] === '-') || (statement[i] === '/' && statement[i + 1] === '*')) i = skipSpan(statement, i);
    else return false;
  }
  return true;
}

/**
 * Splits an SQL script into statements at top-level semicolons, respecting quotes (including
 * E'…' escapes), quoted identifiers, line and nested block comments and dollar-quoted bodies
 * (so plpgsql functions survive). Statements that are only comments are dropped.
 */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const end = skipSpan(script, i);
    if (end !== -1) i = end;
    else if (script[i] === ';') {
      out.push(script.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(script.slice(start));
  return out.map((s) => s.trim()).filter((s) => !isBlank(s));
}
