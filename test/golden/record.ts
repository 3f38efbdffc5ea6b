import type { Database } from '../../src/db/index.ts';
import type { GraphQLResponse, TestServer } from '../helpers/server.ts';
import { MASTER_KEY } from '../helpers/server.ts';

/** One statement as the database saw it: its text and parameters (raw, before normalising). */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** A GraphQL operation to record. */
export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
  /** Who sends it: the master key (default) or nobody (anonymous). */
  as?: 'master' | 'anonymous';
}

/** What one operation did: every statement it caused, in order, and the response body. */
export interface Recording {
  statements: Statement[];
  response: GraphQLResponse;
}

/** Statements that run on their own schedule, not because of the operation (the catalog version poll). */
const BACKGROUND = /"_PlinthSchemaVersion"/;

/**
 * Markers for transaction boundaries. The adapter sends BEGIN and COMMIT itself (PGlite) or on the
 * transaction's own connection (PostgreSQL), past the statement listeners, so the recorder marks
 * them by watching Database.transaction: the same markers on both databases.
 */
function watchTransactions(db: Database, push: (s: Statement) => void): () => void {
  const original = db.transaction;
  db.transaction = async function <T>(this: Database, fn: Parameters<Database['transaction']>[0]): Promise<T> {
    push({ sql: 'BEGIN', params: [] });
    try {
      const result = (await original.call(this, fn)) as T;
      push({ sql: 'COMMIT', params: [] });
      return result;
    } catch (error) {
      push({ sql: 'ROLLBACK', params: [] });
      throw error;
    }
  } as Database['transaction'];
  return () => {
    db.transaction = original;
  };
}

/**
 * Sends one operation through the front door (yoga.fetch) and records every statement it
 * causes, in the order they were issued, with their parameters. Operations must run one at a
 * time on the server (a recording collects everything the database runs meanwhile).
 */
export async function record(s: TestServer, op: Operation): Promise<Recording> {
  const statements: Statement[] = [];
  const push = (st: Statement) => {
    if (!BACKGROUND.test(st.sql)) statements.push(st);
  };
  const db = s.plinth.db;
  const stopListening = db.onQuery((sql, params) => push({ sql, params: [...params] }));
  const stopWatching = watchTransactions(db, push);
  try {
    const headers: Record<string, string> = op.as === 'anonymous' ? {} : { 'x-parse-master-key': MASTER_KEY };
    const response = await s.request(op.query, op.variables, headers);
    return { statements, response };
  } finally {
    stopWatching();
    stopListening();
  }
}

/** Whether a recorded statement is one of the recorder's BEGIN / COMMIT / ROLLBACK markers. */
export function isMarker(s: Statement): boolean {
  return /^(BEGIN|COMMIT|ROLLBACK)$/.test(s.sql);
}

/** The SQL statements of a recording, without the transaction markers. */
export function queriesOf(statements: readonly Statement[]): Statement[] {
  return statements.filter((s) => !isMarker(s));
}

/**
 * The columns of a `SELECT <columns> FROM "<table>" …` statement, as bare names: `t."name"` and
 * `t."name" AS "x"` both give `name`. Only for the simple select lists the loaders issue.
 */
export function selectedColumns(sql: string): string[] {
  const m = /^SELECT (.*?) FROM /s.exec(sql);
  if (!m) throw new Error(`not a SELECT: ${sql}`);
  return splitTopLevel(m[1], ',').map((c) => {
    const alias = /\sAS\s+"((?:[^"]|"")+)"\s*$/i.exec(c);
    if (alias) return alias[1].replace(/""/g, '"');
    const col = /"((?:[^"]|"")+)"\s*$/.exec(c);
    if (!col) throw new Error(`unexpected select item: ${c}`);
    return col[1].replace(/""/g, '"');
  });
}

/** Splits on a separator outside parentheses and quotes. */
export function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i).trim());
      start = i + sep.length;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** One LEFT JOIN of an include statement: the target table, its alias, the pointer field it follows, what it reads. */
export interface IncludeJoin {
  table: string;
  alias: string;
  /** The page's pointer column the join follows (`ON <alias>."objectId" = t."<field>"`). */
  field: string;
  /** The rest of the join condition (the read filter), if any. */
  condition?: string;
  /** The target columns the statement reads through this alias, as bare names. */
  columns: string[];
}

/**
 * The parts of a find with included pointers — `SELECT t.*, <target columns> FROM (<page>) t
 * LEFT JOIN "<Target>" iN ON iN."objectId" = t."<field>" [AND <filter>] … ORDER BY …`: the inner
 * page statement and each join with the columns read through it. Throws on any other shape.
 */
export function includeParts(sql: string): { inner: string; joins: IncludeJoin[] } {
  const head = /^SELECT (.*?) FROM \(/s.exec(sql);
  if (!head) throw new Error(`not an include statement: ${sql}`);
  let depth = 1;
  let quote: string | undefined;
  let end = head[0].length;
  for (; end < sql.length && depth > 0; end++) {
    const ch = sql[end];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
  }
  const inner = sql.slice(head[0].length, end - 1);
  const rest = sql.slice(end);
  if (!rest.startsWith(' t LEFT JOIN ')) throw new Error(`not an include statement: ${sql}`);
  const joinText = rest.slice(rest.indexOf(' LEFT JOIN '), rest.lastIndexOf(' ORDER BY '));
  const items = splitTopLevel(head[1], ',');
  if (items[0] !== 't.*') throw new Error(`unexpected outer select list: ${head[1]}`);
  const joins = joinText
    .split(' LEFT JOIN ')
    .slice(1)
    .map((text): IncludeJoin => {
      const m = /^"((?:[^"]|"")+)" (i\d+) ON \2\."objectId" = t\."((?:[^"]|"")+)"(?: AND (.*))?$/s.exec(text);
      if (!m) throw new Error(`unexpected join: ${text}`);
      const [, table, alias, field, condition] = m;
      const columns = items
        .slice(1)
        .map((c) => new RegExp(`^${alias}\\."((?:[^"]|"")+)"`).exec(c)?.[1])
        .filter((c): c is string => c !== undefined);
      return { table, alias, field, condition, columns };
    });
  return { inner, joins };
}
