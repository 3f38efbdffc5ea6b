import { verify } from '@node-rs/argon2';
import { expect } from 'vitest';
import type { MailAdapter, MailMessage } from '../../src/auth/index.ts';
import type { TestServer } from '../helpers/server.ts';

/** A mail adapter that keeps every message in memory; `next()` waits for the next one. */
export interface CapturedMail {
  adapter: MailAdapter;
  messages: MailMessage[];
  /** The next message not yet taken by next() (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<MailMessage>;
  /** Fails the test if a message arrives within `ms` that no next() has taken. */
  expectNone(ms?: number): Promise<void>;
}

export function captureMail(): CapturedMail {
  const messages: MailMessage[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  return {
    messages,
    adapter: {
      async send(message) {
        messages.push(message);
        for (const wake of waiters.splice(0)) wake();
      },
    },
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length <= taken) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no mail arrived within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages[taken++];
    },
    async expectNone(ms = 150) {
      await new Promise((r) => setTimeout(r, ms));
      expect(messages.slice(taken), 'unexpected mail').toEqual([]);
    },
  };
}

/** The one link in an email's text. */
export function linkIn(message: MailMessage): URL {
  const links = message.text.match(/https?:\/\/\S+/g) ?? [];
  expect(links, message.text).toHaveLength(1);
  return new URL(links[0]!);
}

/** Creates a user through the API (master key) and returns its objectId. */
export async function createUser(s: TestServer, fields: Record<string, unknown>): Promise<string> {
  const d = await s.ok(`mutation($f: CreateUserFieldsInput!) { createUser(input: { fields: $f }) { user { objectId } } }`, { f: fields });
  return d.createUser.user.objectId;
}

/** Whether the stored hash of the user's password matches `password`. */
export async function passwordIs(s: TestServer, userId: string, password: string): Promise<boolean> {
  const [row] = await s.plinth.db.query<{ h: string | null }>('SELECT "_hashed_password" AS "h" FROM "_User" WHERE "objectId" = $1', [userId]);
  return !!row?.h && (await verify(row.h, password));
}

/** The user's row as stored, internal columns included. */
export async function userRow(s: TestServer, userId: string): Promise<Record<string, any>> {
  const [row] = await s.plinth.db.query('SELECT * FROM "_User" WHERE "objectId" = $1', [userId]);
  return row;
}

export interface Page {
  status: number;
  headers: Headers;
  html: string;
  url: URL;
}

/** Opens a page as a browser would: no Parse headers, through the front door. */
export async function openPage(s: TestServer, url: URL | string, init: RequestInit = {}): Promise<Page> {
  const res = await s.plinth.fetch(new Request(url, init));
  return { status: res.status, headers: res.headers, html: await res.text(), url: new URL(url) };
}

/** The page's form, read from its HTML: where it posts and its fields (hidden values included). */
export function formOf(page: Page): { method: string; action: URL; fields: Record<string, string> } {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(page.html);
  expect(form, page.html).not.toBeNull();
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const unescapeHtml = (v: string) => v.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const [tag] of form![2].matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (name) fields[name] = unescapeHtml(attr(tag, 'value') ?? '');
  }
  return { method: (attr(form![1], 'method') ?? 'get').toUpperCase(), action: new URL(unescapeHtml(attr(form![1], 'action') ?? ''), page.url), fields };
}

/** Fills in a page's form and submits it as a browser would (urlencoded, to its action). */
export async function submitForm(s: TestServer, page: Page, values: Record<string, string>): Promise<Page> {
  const form = formOf(page);
  expect(form.method).toBe('POST');
  const body = new URLSearchParams({ ...form.fields, ...values });
  return openPage(s, form.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}
