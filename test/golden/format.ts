import type { Normaliser } from './normalise.ts';
import { isMarker, queriesOf, type Operation, type Recording } from './record.ts';

/** Clauses that start a new line when they are outside parentheses and quotes (longest first). */
const CLAUSES = [
  'CROSS JOIN',
  'ON CONFLICT',
  'LEFT JOIN',
  'GROUP BY',
  'ORDER BY',
  'RETURNING',
  'OFFSET',
  'VALUES',
  'SELECT',
  'WHERE',
  'LIMIT',
  'FROM',
  'JOIN',
  'SET',
  'AND',
];

/**
 * Puts each top-level clause of a statement on its own line (nested queries stay on one line),
 * so that a change shows as a small diff. Only whitespace changes: the text is the one that ran.
 */
export function layoutSql(sql: string): string {
  let out = '';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ' ' && depth === 0) {
      const clause = CLAUSES.find((c) => sql.startsWith(c, i + 1) && (sql[i + 1 + c.length] === ' ' || i + 1 + c.length === sql.length));
      if (clause) {
        out += (clause === 'AND' ? '\n    ' : '\n  ') + clause;
        i += clause.length;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/** JSON with every array or object that fits on one line printed on one line (short diffs, short files). */
export function json(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat === undefined || value === null || typeof value !== 'object' || indent.length + flat.length <= 100) return flat ?? 'null';
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((e) => inner + json(e, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, e]) => `${inner}${JSON.stringify(k)}: ${json(e, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

/**
 * A recording as a readable markdown document: the operation, the SQL statements in the order
 * they ran with their parameters, and the response — all normalised.
 */
export function formatCase(title: string, about: string, op: Operation, rec: Recording, n: Normaliser): string {
  const lines: string[] = [`# ${title}`, '', about.trim(), ''];
  lines.push(`## Operation (${op.as === 'anonymous' ? 'anonymous: no master key, no session' : 'master key'})`, '', '```graphql', op.query.trim(), '```', '');
  if (op.variables) lines.push('Variables:', '', '```json', json(n.value(op.variables)), '```', '');
  const queries = queriesOf(rec.statements).length;
  lines.push(`## SQL (${queries} ${queries === 1 ? 'statement' : 'statements'}, in the order they ran)`, '', '```sql');
  let number = 0;
  for (const [i, s] of rec.statements.entries()) {
    if (i) lines.push('');
    if (isMarker(s)) {
      lines.push(`${s.sql}; -- transaction`);
      continue;
    }
    lines.push(`-- ${++number}`, layoutSql(n.sql(s.sql)) + ';');
    for (const [k, p] of s.params.entries()) lines.push(`--   $${k + 1} = ${JSON.stringify(n.value(p))}`);
  }
  lines.push('```', '', '## Response', '', '```json', json(n.value(rec.response.body)), '```', '');
  return lines.join('\n');
}
