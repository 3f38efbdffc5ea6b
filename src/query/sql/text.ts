import { literal } from '../../db/index.ts';
import { errors } from '../../errors/index.ts';
import type { Condition } from '../ast.ts';
import { isTextSearchConfig } from '../text-search.ts';
import type { SqlContext } from './context.ts';
import { column } from './operands.ts';

/**
 * The text search configuration as a literal: `to_tsvector('english'::regconfig, coalesce(col,
 * ''))` is then the very expression of a text index (schema/ddl.ts), which the planner can
 * match; with a parameter it never could. Only a known configuration is ever quoted.
 */
function configLiteral(language: string): string {
  if (!isTextSearchConfig(language)) throw errors.invalidQuery(`Invalid text search language: ${language}`);
  return literal(language) + '::regconfig';
}

/**
 * A full-text search (see ast.ts): the column's words against a web-search query, in the
 * condition's language; caseSensitive adds a case-exact word-start regex per positive word.
 */
export function compileText(cond: Extract<Condition, { kind: 'text' }>, alias: string, ctx: SqlContext): string {
  const col = column(alias, cond.field);
  if (!cond.diacriticSensitive && !ctx.unaccent) {
    throw errors.invalidQuery('diacriticSensitive: false needs the unaccent extension, which this database does not have');
  }
  // unaccent() only where asked: it stops an index on to_tsvector(column) from being used.
  const plain = (sql: string) => (cond.diacriticSensitive ? sql : `unaccent(${sql})`);
  const lang = configLiteral(cond.language);
  const text = plain(`coalesce(${col}, '')`);
  let sql = `to_tsvector(${lang}, ${text}) @@ websearch_to_tsquery(${lang}, ${plain(ctx.params.add(cond.term) + '::text')})`;
  if (cond.caseSensitive) {
    for (const word of searchWords(cond.term)) {
      sql += ` AND ${text} ~ ${plain(ctx.params.add('\\m' + escapeRegex(word)) + '::text')}`;
    }
  }
  return `(${sql})`;
}

/** The positive words of a web-search term (quoted phrases split, negations, OR and punctuation dropped). */
export function searchWords(term: string): string[] {
  return term
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !w.startsWith('-') && w.toLowerCase() !== 'or')
    .flatMap((w) => w.match(/[\p{L}\p{N}_]+/gu) ?? []);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
