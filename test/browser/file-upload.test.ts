import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell } from './grid.ts';
import { createClass, createObject } from './fixtures.ts';
import { closeBrowser, roleSessions, startDashboard, until, type Dashboard } from './harness.ts';

// The data browser's File cell: pick a file, it uploads (POST /dashboard/api/upload with the
// CSRF header), the cell is saved with updateObject and shows the name as a link; "Remove
// file" unsets it; a read-only admin gets no picker.
let dash: Dashboard;
const sessions = roleSessions(() => dash);

beforeAll(async () => {
  dash = await startDashboard({ config: { filesStorage: { adapter: 'postgres' } } });
  await createClass(dash, 'Doc', { title: { type: 'String' }, attachment: { type: 'File' } });
});
afterAll(async () => {
  await sessions.close();
  await closeBrowser();
  await dash?.stop();
});

const stored = async (id: string) => {
  const [r] = await dash.sql<{ attachment: unknown }>(`SELECT "attachment" FROM "Doc" WHERE "objectId" = $1`, [id]);
  return r?.attachment;
};

describe('File cells', () => {
  it('uploads a picked file, saves the cell, links to it; removes it', async () => {
    const id = await createObject(dash, 'Doc', { title: 'with a file' });
    const { page } = await sessions.as('OWNER');
    await page.goto(`/dashboard/data/Doc/${id}`);
    await page.getByTestId(`row-${id}`).waitFor();
    await cell(page, id, 'attachment').dblclick();
    await page.getByTestId('file-input').setInputFiles({ name: 'hello <b>.txt', mimeType: 'text/plain', buffer: Buffer.from('hello from the browser') });
    await page.getByTestId('value-dialog').waitFor({ state: 'detached' });
    const name = await until(
      async () => {
        const value = await stored(id);
        const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
        return /hello <b>\.txt/.test(text) ? text : null;
      },
      10_000,
      'the file saved in the object',
    );
    expect(name).toMatch(/[0-9a-f]{32}_hello <b>\.txt/);

    // The cell shows the name as text inside a link (no markup built from it), and the link serves the bytes.
    const link = cell(page, id, 'attachment').locator('a');
    await expect(link.textContent()).resolves.toMatch(/_hello <b>\.txt$/);
    expect(await cell(page, id, 'attachment').locator('b').count()).toBe(0);
    const href = (await link.getAttribute('href'))!;
    const served = await fetch(href);
    expect(await served.text()).toBe('hello from the browser');

    await cell(page, id, 'attachment').dblclick();
    await page.getByTestId('file-remove').click();
    await page.getByTestId('value-dialog').waitFor({ state: 'detached' });
    await until(async () => (await stored(id)) == null, 10_000, 'the file removed from the object');
  });

  it('a read-only admin sees the file but no picker', async () => {
    const id = await createObject(dash, 'Doc', { title: 'read only' });
    const { page } = await sessions.as('READ_ONLY');
    await page.goto(`/dashboard/data/Doc/${id}`);
    await page.getByTestId(`row-${id}`).waitFor();
    await cell(page, id, 'attachment').dblclick();
    await page.getByTestId('file-editor').waitFor();
    expect(await page.getByTestId('file-input').count()).toBe(0);
  });
});
