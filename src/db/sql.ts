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

/**
 * Splits an SQL script into statements at top-level semicolons, respecting quotes, quoted
 * identifiers, comments and dollar-quoted bodies (so plpgsql functions survive).
 */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    if (c === "'" || c === '"') {
      i = script.indexOf(c, i + 1);
      while (i !== -1 && script[i + 1] === c) i = script.indexOf(c, i + 2);
      i = i === -1 ? n : i + 1;
    } else if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(script.slice(i));
      if (m) {
        const end = script.indexOf(m[0], i + m[0].length);
        i = end === -1 ? n : end + m[0].length;
      } else i++;
    } else if (c === ';') {
      out.push(script.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(script.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.replace(/--[^\n]*/g, '').trim().length > 0);
}
