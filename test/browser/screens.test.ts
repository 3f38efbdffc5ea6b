import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushFakes, type PushFakes } from '../helpers/push/fakes.ts';
import { createObject } from './fixtures.ts';
import { APP_ID, closeBrowser, MASTER_KEY, roleSessions, startDashboard, textMatching, until, type Dashboard } from './harness.ts';
import { blogCloud, seedBlog, type Blog } from './seed.ts';

// The other screens as an owner: schema, users and roles, cloud code, push, logs and the audit
// trail. Each step checks the database (or the fake push services) after.
let dash: Dashboard;
let blog: Blog;
let fakes: PushFakes;
const sessions = roleSessions(() => dash);

beforeAll(async () => {
  fakes = await startPushFakes();
  dash = await startDashboard({ cloud: blogCloud, config: { push: fakes.config, jobs: { pollMs: 100 }, filesStorage: { adapter: 'postgres' } } });
  blog = await seedBlog(dash);
});
afterAll(async () => {
  await sessions.close();
  await closeBrowser();
  await dash?.stop();
  await fakes?.stop();
});

const owner = async () => (await sessions.as('OWNER')).page;
/** A class as the catalog stores it (_SCHEMA; jsonb comes back as JSON text). */
const stored = async (className: string) => {
  const [row] = await dash.sql<{ schema: string }>(`SELECT "schema"::text AS "schema" FROM "_SCHEMA" WHERE "className" = $1`, [className]);
  return row
    ? (JSON.parse(row.schema) as {
        fields: Record<string, { type: string; targetClass?: string; required?: boolean; defaultValue?: unknown }>;
        classLevelPermissions: Record<string, any>;
      })
    : undefined;
};

describe('schema', () => {
  it('creates a class, adds a required field with a default, and edits its class-level permissions', async () => {
    const page = await owner();
    await page.goto('/dashboard/schema');
    await page.getByTestId('class-new-name').fill('Book');
    await page.getByTestId('class-create').click();
    await page.waitForURL(/\/dashboard\/schema\/Book$/);
    await until(() => stored('Book'), 5000, 'the class stored');

    await page.getByTestId('field-name').fill('pages');
    await page.getByTestId('field-type').selectOption('Number');
    await page.getByTestId('field-required').check();
    await page.getByTestId('field-default').fill('100');
    await page.getByTestId('field-add').click();
    await page.getByTestId('field-row-pages').waitFor();
    await page.getByTestId('field-name').fill('owner');
    await page.getByTestId('field-type').selectOption('Pointer');
    await page.getByTestId('field-target').selectOption('_User');
    await page.getByTestId('field-add').click();
    await page.getByTestId('field-row-owner').waitFor();
    const book = (await stored('Book'))!;
    expect(book.fields.pages).toMatchObject({ type: 'Number', required: true, defaultValue: 100 });
    expect(book.fields.owner).toMatchObject({ type: 'Pointer', targetClass: '_User' });
    const columns = (await dash.sql(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Book'`)).map((r) => r.column_name);
    expect(columns).toEqual(expect.arrayContaining(['pages', 'owner']));

    // CLP: public may no longer create or delete.
    await page.getByTestId('schema-tab-permissions').click();
    await page.getByTestId('clp-create-*').uncheck();
    await page.getByTestId('clp-delete-*').uncheck();
    await page.getByTestId('clp-save').click();
    await until(async () => (await stored('Book'))!.classLevelPermissions.create?.['*'] !== true, 5000, 'the CLP saved');
    const clp = (await stored('Book'))!.classLevelPermissions;
    expect(clp.create?.['*']).toBeFalsy();
    expect(clp.delete?.['*']).toBeFalsy();
    expect(clp.find?.['*']).toBe(true);
    // The public API now refuses an anonymous create.
    const { body } = await dash.api(`mutation { createBook(input: { fields: { pages: 3 } }) { book { objectId } } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe(119);
  });
});

describe('users and roles', () => {
  it('lists users, shows a user’s sessions and revokes one', async () => {
    const page = await owner();
    await page.goto('/dashboard/users');
    await page.getByTestId(`user-row-${blog.alice.id}`).click();
    await page.getByTestId('user-detail').waitFor();
    const [session] = await dash.sql(`SELECT "objectId" FROM "_Session" WHERE "user" = $1`, [blog.alice.id]);
    await page.getByTestId(`session-row-${session.objectId}`).waitFor();
    await page.getByTestId(`session-revoke-${session.objectId}`).click();
    await page.getByTestId(`session-revoke-${session.objectId}-confirm`).click();
    await page.getByTestId(`session-row-${session.objectId}`).waitFor({ state: 'detached' });
    expect(await dash.sql(`SELECT 1 FROM "_Session" WHERE "objectId" = $1`, [session.objectId])).toEqual([]);
    // The token no longer works on the public API.
    const { body } = await dash.api('{ viewer { user { objectId } } }', {}, { 'x-parse-session-token': blog.alice.sessionToken });
    expect(body.code ?? body.errors?.[0]?.extensions?.code).toBe(209);
  });

  it('browses as a user: the grid shows what they may see, and the audit trail records it', async () => {
    const hidden = await createObject(dash, 'Post', { title: 'Only bob reads this', ACL: { [blog.bob.id]: { read: true, write: true } } });
    const page = await owner();
    await page.goto(`/dashboard/users/${blog.alice.id}`);
    await page.getByTestId('browse-as').click();
    await page.getByTestId('browse-as-confirm').click();
    await page.getByTestId('browsing-banner').waitFor();
    await page.goto('/dashboard/data/Post');
    await page.getByTestId(`row-${blog.posts[0]}`).waitFor();
    expect(await page.getByTestId(`row-${hidden}`).count()).toBe(0);
    const [session] = await dash.sql(`SELECT "browsing_as" FROM "_PlinthAdminSession" WHERE "browsing_as" IS NOT NULL`);
    expect(session.browsing_as).toBe(blog.alice.id);
    expect((await dash.sql(`SELECT "action" FROM "_PlinthAudit" WHERE "actor" = 'owner@example.test' AND "action" ILIKE '%browse%'`)).length).toBeGreaterThan(
      0,
    );
    await page.getByTestId('browsing-stop').click();
    await page.getByTestId('browsing-banner').waitFor({ state: 'detached' });
    // The grid reloads as the admin again, without a manual refresh.
    await page.getByTestId(`row-${hidden}`).waitFor();
    expect(await dash.sql(`SELECT 1 FROM "_PlinthAdminSession" WHERE "browsing_as" IS NOT NULL`)).toEqual([]);
  });

  it('creates a role and attaches a user to it', async () => {
    const page = await owner();
    await page.goto('/dashboard/users/roles');
    await page.getByTestId('role-item-Editors').waitFor();
    await page.getByTestId('role-new-name').fill('Moderators');
    await page.getByTestId('role-create').click();
    await page.getByTestId('role-item-Moderators').click();
    await page.getByTestId('role-detail').waitFor();
    await page.getByTestId('role-users-attach-ids').fill(blog.bob.id);
    await page.getByTestId('role-users-attach').click();
    await page.getByTestId(`role-users-row-${blog.bob.id}`).waitFor();
    const [role] = await dash.sql(`SELECT "objectId" FROM "_Role" WHERE "name" = 'Moderators'`);
    expect(await dash.sql(`SELECT "relatedId" FROM "_Join:users:_Role" WHERE "owningId" = $1`, [role.objectId])).toEqual([{ relatedId: blog.bob.id }]);
  });
});

describe('cloud code', () => {
  it('shows the triggers in order with file:line, runs a function with params and a job', async () => {
    const page = await owner();
    await page.goto('/dashboard/cloud');
    await page.getByTestId('cloud-triggers').waitFor();
    const before = page.locator('[data-testid^="trigger-Post-beforeSave-"]').first();
    await expect(before.textContent()).resolves.toMatch(/seed\.ts:\d+/);
    await page.getByTestId('function-row-hello').waitFor();
    await page.getByTestId('function-run-hello').click();
    await page.getByTestId('run-params').fill('{"name": "dashboard"}');
    await page.getByTestId('run-go').click();
    await expect(page.getByTestId('run-result').textContent()).resolves.toContain('hello dashboard');
    await page.getByTestId('run-dialog-close').click();

    await page.getByTestId('job-run-reindex').click();
    await page.getByTestId('run-go').click();
    await page.getByTestId('run-result').waitFor();
    await page.getByTestId('run-dialog-close').click();
    const [run] = await until(
      () => dash.sql(`SELECT "objectId", "status" FROM "_JobStatus" WHERE "jobName" = 'reindex'`).then((r) => (r.length ? r : undefined)),
      5000,
      'the job run',
    );
    await until(
      async () => (await dash.sql(`SELECT "status" FROM "_JobStatus" WHERE "objectId" = $1`, [run.objectId]))[0].status === 'succeeded',
      10_000,
      'the job to succeed',
    );
    await page.getByTestId('job-runs-refresh').click();
    await textMatching(page.getByTestId(`job-history-status-${run.objectId}`), /succeeded/);
  });
});

describe('push', () => {
  it('composes a push to a channel; the fake provider receives it and the status shows it', async () => {
    const ios = await createObject(dash, '_Installation', {
      deviceType: 'ios',
      deviceToken: 'aa'.repeat(32),
      channels: ['news'],
      installationId: 'inst-ios-1',
    });
    await createObject(dash, '_Installation', { deviceType: 'android', deviceToken: 'fcm-token-1', channels: ['sports'], installationId: 'inst-android-1' });
    expect(ios).toBeTruthy();
    const page = await owner();
    await page.goto('/dashboard/push');
    await page.getByTestId('push-audience-channels').check();
    await page.getByTestId('push-channels').fill('news');
    await page.getByTestId('push-alert').fill('Hello from the dashboard');
    await page.getByTestId('push-send').click();
    await until(() => fakes.apns.deliveries.length === 1, 10_000, 'the APNs delivery');
    expect(fakes.apns.deliveries[0].token).toBe('aa'.repeat(32));
    expect(fakes.fcm.deliveries).toEqual([]);
    const [status] = await until(
      () => dash.sql(`SELECT "objectId", "status", "numSent" FROM "_PushStatus"`).then((r) => (r[0]?.status === 'succeeded' ? r : undefined)),
      10_000,
      'the push status',
    );
    expect(status.numSent).toBe(1);
    await page.getByTestId('push-refresh').click();
    await textMatching(page.getByTestId(`push-status-${status.objectId}`), /succeeded/);
  });
});

describe('files', () => {
  /** Uploads a file through the public API (GraphQL multipart request, as an app does); answers its stored name. */
  async function upload(name: string, type: string, content: Buffer): Promise<string> {
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({ query: 'mutation($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name url } } }', variables: { f: null } }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.f'] }));
    form.set('0', new Blob([new Uint8Array(content)], { type }), name);
    const res = await fetch(`${dash.origin}/graphql`, {
      method: 'POST',
      headers: { 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY },
      body: form,
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data.createFile.fileInfo.name;
  }

  it('lists stored files with an image preview, and deletes one', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const image = await upload('dot.png', 'image/png', png);
    const text = await upload('notes.txt', 'text/plain', Buffer.from('hello'));
    const page = await owner();
    await page.goto('/dashboard/files');
    await page.getByTestId(`file-row-${text}`).waitFor();
    await page.getByTestId(`file-thumb-${image}`).waitFor();
    // The thumbnail really loads (same origin, allowed by the CSP).
    await until(() => page.getByTestId(`file-thumb-${image}`).evaluate((img) => (img as HTMLImageElement).naturalWidth === 1), 5000, 'the thumbnail');
    await page.getByTestId(`file-delete-${text}`).click();
    await page.getByTestId(`file-delete-${text}-confirm`).click();
    await page.getByTestId(`file-row-${text}`).waitFor({ state: 'detached' });
    expect((await dash.sql(`SELECT "name" FROM "_PlinthStorageFile" ORDER BY 1`)).map((r) => r.name)).toEqual([image]);
  });
});

describe('logs and audit', () => {
  it('the logs screen shows recent server lines and filters them', async () => {
    dash.plinth.logger.info({ marker: 'browser-test' }, 'a line for the logs screen');
    dash.plinth.logger.warn('a warning for the logs screen');
    const page = await owner();
    await page.goto('/dashboard/logs');
    await page.getByTestId('logs-table').waitFor();
    await page.getByTestId('logs-contains').fill('for the logs screen');
    await page.getByTestId('logs-apply').click();
    await until(async () => (await page.getByTestId('logs-table').textContent())?.includes('a warning for the logs screen'), 5000, 'the warning');
    await expect(page.getByTestId('logs-table').textContent()).resolves.toContain('a line for the logs screen');
    await page.getByTestId('logs-level').selectOption('warn');
    await page.getByTestId('logs-apply').click();
    await until(async () => !(await page.getByTestId('logs-table').textContent())?.includes('a line for the logs screen'), 5000, 'info lines filtered out');
  });

  it('the audit trail shows the owner the dashboard’s edits, with before and after', async () => {
    const page = await owner();
    // An edit through the dashboard's own API (what the grid sends).
    await page.goto('/dashboard/data/Post');
    await page.getByTestId(`cell-${blog.posts[3]}-title`).dblclick();
    await page.getByTestId('cell-editor').fill('Audited title');
    await page.getByTestId('cell-editor').press('Enter');
    const [entry] = await until(
      () =>
        dash
          .sql(`SELECT "id"::text AS "id", "actor", "before"::text AS "before", "after"::text AS "after" FROM "_PlinthAudit" WHERE "object_id" = $1`, [
            blog.posts[3],
          ])
          .then((r) => (r.length ? r : undefined)),
      5000,
      'the audit entry',
    );
    expect(entry.actor).toBe('owner@example.test');
    expect(entry.after).toContain('Audited title');
    await page.goto('/dashboard/audit');
    await page.getByTestId('audit-class').fill('Post');
    await page.getByTestId('audit-apply').click();
    const row = page.getByTestId(`audit-row-${entry.id}`);
    await expect(row.textContent()).resolves.toContain('owner@example.test');
    await row.click();
    await expect(page.getByTestId(`audit-diff-${entry.id}`).textContent()).resolves.toMatch(/Why PostgreSQL[\s\S]*Audited title/);
  });
});
