import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { splitStatements } from '../../src/db/sql.ts';
import { MIGRATIONS_DIR } from '../../src/db/migrator.ts';

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty and comment-only statements', () => {
    expect(splitStatements('SELECT 1; SELECT 2;\n\n-- trailing comment\n;  ;/* only */')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('keeps semicolons inside strings, quoted identifiers and comments', () => {
    const script = `INSERT INTO "a;b" VALUES ('x;y', 'it''s; fine'); -- a; comment\nSELECT /* c; d */ 2`;
    expect(splitStatements(script)).toEqual([`INSERT INTO "a;b" VALUES ('x;y', 'it''s; fine')`, '-- a; comment\nSELECT /* c; d */ 2']);
  });

  it('understands E-strings with backslash-escaped quotes', () => {
    expect(splitStatements(`SELECT E'a\\';b'; SELECT 2`)).toEqual([`SELECT E'a\\';b'`, 'SELECT 2']);
  });

  it('does not take a quote after an identifier ending in e for an E-string', () => {
    expect(splitStatements(`SELECT name'x\\'; SELECT 2`)).toEqual([`SELECT name'x\\'`, 'SELECT 2']);
  });

  it('understands nested block comments', () => {
    expect(splitStatements('SELECT 1 /* a /* b; */ c; */; SELECT 2')).toEqual(['SELECT 1 /* a /* b; */ c; */', 'SELECT 2']);
  });

  it('keeps dollar-quoted bodies whole, with or without a tag (tags may hold digits)', () => {
    const fn = `CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body1$ BEGIN PERFORM 1; RETURN 2; END $body1$`;
    const block = `DO $$ BEGIN RAISE NOTICE 'a;b'; END $$`;
    expect(splitStatements(`${fn};\n${block};SELECT 3`)).toEqual([fn, block, 'SELECT 3']);
  });

  it('does not mistake parameters or dollar signs inside identifiers for dollar quotes', () => {
    expect(splitStatements('SELECT $1; SELECT a$b$ FROM t; SELECT 3')).toEqual(['SELECT $1', 'SELECT a$b$ FROM t', 'SELECT 3']);
  });

  it('returns an unterminated quote as one statement instead of splitting inside it', () => {
    expect(splitStatements(`SELECT 'abc; SELECT 2`)).toEqual([`SELECT 'abc; SELECT 2`]);
  });

  it('splits the shipped migrations into complete statements (each function body whole)', () => {
    for (const name of readdirSync(MIGRATIONS_DIR)) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
      const statements = splitStatements(sql);
      expect(statements.length).toBeGreaterThan(0);
      for (const st of statements) {
        // Every dollar quote that opens in a statement closes in it.
        expect((st.match(/\$\$/g) ?? []).length % 2, `${name}: ${st}`).toBe(0);
        expect(st.endsWith(';')).toBe(false);
      }
    }
  });
});
