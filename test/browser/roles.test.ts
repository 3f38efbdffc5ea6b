import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, gridRows } from './grid.ts';
import { closeBrowser, roleSessions, startDashboard, until, type Dashboard } from './harness.ts';
import { seedBlog, type Blog } from './seed.ts';

// What each role sees and may do, enforced by the server and not only by hidden buttons: a
// read-only admin's forced write and a scoped admin's reach beyond their class and fields are
// refused, the database unchanged; admins (not owners) have no audit or dashboard users.
let dash: Dashboard;
let blog: Blog;
const sessions = roleSessions(() => dash, { classes: [{ className: 'Post', fields: ['title', 'views'], write: true }], features: ['data'] });

beforeAll(async () => {
  dash = await startDashboard();
  blog = await seedBlog(dash);
});
afterAll(async () => {
  await sessions.close();
  await closeBrowser();
  await dash?.stop();
});

/** Runs an admin GraphQL operation from the page itself, with its session's CSRF token. */
async function forced(page: Page, query: string, variables: Record<string, unknown> = {}) {
  return page.evaluate(
    async ({ query, variables }) => {
      const session = await (await fetch('/dashboard/api/session')).json();
      const res = await fetch('/dashboard/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-plinth-csrf': session.csrfToken },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: await res.json() };
    },
    { query, variables },
  );
}

const post = async (id: string) => (await dash.sql(`SELECT "title", "views", "published" FROM "Post" WHERE "objectId" = $1`, [id]))[0];
/** The screens in the nav, once the shell has rendered it (it waits for the session). */
const navIds = async (page: Page) => {
  await page.locator('[data-testid^="nav-"]').first().waitFor();
  return page.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!.slice(4)));
};

describe('read-only admin', () => {
  it('sees data without edit controls; a write forced from the page is refused and changes nothing', async () => {
    const { page } = await sessions.as('READ_ONLY');
    await page.getByTestId('read-only-badge').waitFor();
    await page.goto('/dashboard/data/Post');
    await gridRows(page).first().waitFor();
    for (const control of ['add-row', 'clone-row', 'delete-rows', 'import']) expect(await page.getByTestId(control).count(), control).toBe(0);
    await cell(page, blog.posts[0], 'title').dblclick();
    expect(await page.getByTestId('cell-editor').count()).toBe(0);
    await page.goto('/dashboard/schema');
    await page.getByTestId('schema-class-list').waitFor();
    expect(await page.getByTestId('class-create').count()).toBe(0);

    const before = await post(blog.posts[0]);
    const update = await forced(page, 'mutation($id: ID!) { updateObject(className: "Post", objectId: $id, fields: {title: "hacked"}) }', {
      id: blog.posts[0],
    });
    expect(update.body.errors?.[0]?.extensions?.code).toBe(119);
    const deletion = await forced(page, 'mutation($id: ID!) { deleteObjects(className: "Post", objectIds: [$id]) }', { id: blog.posts[0] });
    expect(deletion.body.errors?.[0]?.extensions?.code).toBe(119);
    const schema = await forced(page, 'mutation { createClass(className: "Sneaky") { className } }');
    expect(schema.body.errors?.[0]?.extensions?.code).toBe(119);
    expect(await post(blog.posts[0])).toEqual(before);
    expect(await dash.sql(`SELECT 1 FROM "_SCHEMA" WHERE "className" = 'Sneaky'`)).toEqual([]);
  });
});

describe('scoped admin', () => {
  it('sees only their class and fields; edits what the scope allows; the rest is refused', async () => {
    const { page } = await sessions.as('SCOPED');
    expect(await navIds(page)).toEqual(['data']);
    await page.goto('/dashboard/data');
    await page.getByTestId('class-Post').waitFor();
    expect(await page.locator('[data-class]').evaluateAll((items) => items.map((i) => i.getAttribute('data-class')))).toEqual(['Post']);
    await gridRows(page).first().waitFor();
    expect(await page.getByTestId('header-title').count()).toBe(1);
    expect(await page.getByTestId('header-views').count()).toBe(1);
    for (const hidden of ['published', 'meta', 'author', 'tags']) expect(await page.getByTestId(`header-${hidden}`).count(), hidden).toBe(0);
    // Not in the page's data either.
    const page1 = await forced(page, '{ objects(className: "Post", first: 5) { objects } }');
    for (const o of page1.body.data.objects.objects) expect(Object.keys(o)).not.toContain('published');

    // An allowed edit through the grid reaches the database.
    await cell(page, blog.posts[0], 'title').dblclick();
    await page.getByTestId('cell-editor').fill('Scoped edit');
    await page.getByTestId('cell-editor').press('Enter');
    await until(async () => (await post(blog.posts[0])).title === 'Scoped edit', 5000, 'the scoped edit');

    // Outside the scope: another class, another field, the schema, the users.
    const before = await post(blog.posts[0]);
    const field = await forced(page, 'mutation($id: ID!) { updateObject(className: "Post", objectId: $id, fields: {published: false}) }', {
      id: blog.posts[0],
    });
    expect(field.body.errors?.[0]?.extensions?.code).toBeDefined();
    const other = await forced(page, '{ objects(className: "Comment") { objects } }');
    expect(other.body.errors?.[0]?.extensions?.code).toBeDefined();
    const users = await forced(page, '{ objects(className: "_User") { objects } }');
    expect(users.body.errors?.[0]?.extensions?.code).toBeDefined();
    const schema = await forced(page, 'mutation { updateClass(className: "Post", fields: {extra: {type: "String"}}) { className } }');
    expect(schema.body.errors?.[0]?.extensions?.code).toBe(119);
    expect(await post(blog.posts[0])).toEqual(before);
  });
});

describe('admin (not owner)', () => {
  it('has every screen but the audit trail and dashboard users, and the server refuses them', async () => {
    const { page } = await sessions.as('ADMIN');
    const ids = await navIds(page);
    expect(ids).toEqual(expect.arrayContaining(['data', 'schema', 'users', 'cloud', 'logs']));
    expect(ids).not.toContain('audit');
    expect(ids).not.toContain('admins');
    const audit = await forced(page, '{ audit { entries { id } } }');
    expect(audit.body.errors?.[0]?.extensions?.code).toBe(119);
    const admins = await forced(page, '{ adminUsers { email } }');
    expect(admins.body.errors?.[0]?.extensions?.code).toBe(119);
    const promote = await forced(page, 'mutation { createAdminUser(email: "x@example.test", password: "long-enough-pass", role: OWNER) { id } }');
    expect(promote.body.errors?.[0]?.extensions?.code).toBe(119);
    expect(await dash.sql(`SELECT 1 FROM "_PlinthAdmin" WHERE "email" = 'x@example.test'`)).toEqual([]);
  });
});
