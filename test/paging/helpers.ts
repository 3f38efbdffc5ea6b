import { expect } from 'vitest';
import type { GraphQLResponse, TestServer } from '../helpers/server.ts';

/** Creates a class through the schema API; `fields` is a SchemaFieldsInput literal. */
export async function createClass(s: TestServer, name: string, fields: string): Promise<void> {
  await s.ok(`mutation { createClass(input: { name: "${name}", schemaFields: { ${fields} } }) { class { name } } }`);
}

/**
 * Creates objects through the class's create mutation, many per request (aliased mutations
 * run one after another), and returns their objectIds in the order given.
 */
export async function createMany(s: TestServer, className: string, objects: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  const get = className[0].toLowerCase() + className.slice(1);
  for (let start = 0; start < objects.length; start += 40) {
    const chunk = objects.slice(start, start + 40);
    const vars = chunk.map((_, i) => `$f${i}: Create${className}FieldsInput`).join(', ');
    const body = chunk.map((_, i) => `c${i}: create${className}(input: { fields: $f${i} }) { ${get} { objectId } }`).join('\n');
    const data = await s.ok(`mutation(${vars}) { ${body} }`, Object.fromEntries(chunk.map((o, i) => [`f${i}`, o])));
    for (let i = 0; i < chunk.length; i++) ids.push(data[`c${i}`][get].objectId);
  }
  return ids;
}

/** The SQL statements a piece of work runs that mention one of `tables` (polling and catalog reads are left out). */
export async function statementsOf<T>(s: TestServer, tables: string[], work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const stop = s.plinth.db.onQuery((text) => {
    if (tables.some((t) => text.includes(`"${t}"`))) sql.push(text);
  });
  try {
    return { result: await work(), sql };
  } finally {
    stop();
  }
}

/** The text inside a cursor (base64): `arrayconnection:N` for Parse's, `plinth:k:…` for keyset ones. */
export function cursorText(cursor: string): string {
  return Buffer.from(cursor, 'base64').toString('utf8');
}

export const isOffsetCursor = (cursor: string) => /^arrayconnection:\d+$/.test(cursorText(cursor));
export const isKeysetCursor = (cursor: string) => cursorText(cursor).startsWith('plinth:k:');

export function offsetCursor(n: number): string {
  return Buffer.from(`arrayconnection:${n}`).toString('base64');
}

/** Asserts a response failed with one error of this Parse code and exact message. */
export function expectError(res: GraphQLResponse, code: number, message: string): void {
  expect(res.errors, JSON.stringify(res.body)).toBeDefined();
  expect(res.errors!.map((e) => ({ code: e.extensions?.code, message: e.message }))).toEqual([{ code, message }]);
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Page<N> {
  count?: number;
  edges: { cursor: string; node: N }[];
  pageInfo: PageInfo;
}

export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/**
 * Walks a connection forward with `first: size, after: endCursor` until hasNextPage is false,
 * checking every page's pageInfo on the way; returns the pages. `fetch` gets the page
 * arguments and returns the connection.
 */
export async function walkForward<N>(size: number, fetch: (args: { first: number; after?: string }) => Promise<Page<N>>, limit = 500): Promise<Page<N>[]> {
  const pages: Page<N>[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await fetch({ first: size, after });
    pages.push(page);
    expect(page.pageInfo.hasPreviousPage).toBe(pages.length > 1);
    if (page.edges.length) {
      expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    }
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges.length).toBe(size);
    after = page.pageInfo.endCursor!;
    if (pages.length > limit) throw new Error('the walk does not end');
  }
  return pages;
}

/** Walks a connection backward from the end with `last: size, before: startCursor`. */
export async function walkBackward<N>(size: number, fetch: (args: { last: number; before?: string }) => Promise<Page<N>>, limit = 500): Promise<Page<N>[]> {
  const pages: Page<N>[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await fetch({ last: size, before });
    pages.push(page);
    expect(page.pageInfo.hasNextPage).toBe(pages.length !== 1);
    if (!page.pageInfo.hasPreviousPage) break;
    expect(page.edges.length).toBe(size);
    before = page.pageInfo.startCursor!;
    if (pages.length > limit) throw new Error('the walk does not end');
  }
  return pages;
}
