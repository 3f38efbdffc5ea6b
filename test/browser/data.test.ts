import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, gridRows, gridScroller, lastRowIndex, visibleIds } from './grid.ts';
import { countRows, createClass, createObject, insertRows } from './fixtures.ts';
import { closeBrowser, roleSessions, startDashboard, textMatching, until, type Dashboard } from './harness.ts';
import { blogCloud, seedBlog, type Blog } from './seed.ts';

// The data browser as an owner: the class list, a grid of 300+ rows that stays small in the DOM,
// sorting, filtering, inline edits of each type, rows added, cloned and deleted, pointers and
// relations, columns, saved views, export and import. Each step checks the database after.
let dash: Dashboard;
let blog: Blog;
const sessions = roleSessions(() => dash);
const BULK = 300;

beforeAll(async () => {
  dash = await startDashboard({ cloud: blogCloud });
  blog = await seedBlog(dash, { bulkPosts: BULK });
});
afterAll(async () => {
  await sessions.close();
  await closeBrowser();
  await dash?.stop();
});

/** A Post row as stored (jsonb comes back as JSON text, a point as "(lng,lat)"). */
const row = async (id: string) => {
  const [r] = await dash.sql<Record<string, any>>(
    `SELECT "title", "views", "published", "publishedAt", "meta"::text AS "meta", "tags"::text AS "tags", "author", "place"::text AS "place" FROM "Post" WHERE "objectId" = $1`,
    [id],
  );
  return { ...r, meta: r.meta && JSON.parse(r.meta), tags: r.tags && JSON.parse(r.tags) } as Record<string, any>;
};
const owner = () => sessions.as('OWNER');

async function openClass(className: string) {
  const { page } = await owner();
  await page.goto(`/dashboard/data/${className}`);
  await gridRows(page).first().waitFor();
  return page;
}

/** Opens one object in the grid (/data/<class>/<id>: the grid filtered to it), wherever it sorts. */
async function openObject(className: string, objectId: string) {
  const { page } = await owner();
  await page.goto(`/dashboard/data/${className}/${objectId}`);
  await page.getByTestId(`row-${objectId}`).waitFor();
  return page;
}

describe('class list and grid', () => {
  it('lists the classes with their counts, and opens one', async () => {
    const { page } = await owner();
    await page.goto('/dashboard/data');
    for (const c of ['Post', 'Comment', '_User', '_Role']) await page.getByTestId(`class-${c}`).waitFor();
    await textMatching(page.getByTestId('count-Post'), /^304$/);
    await textMatching(page.getByTestId('count-Comment'), /^2$/);
    await page.getByTestId('class-Comment').click();
    await page.waitForURL(/\/dashboard\/data\/Comment$/);
    await textMatching(page.getByTestId('class-title'), /^Comment$/);
    await until(async () => (await gridRows(page).count()) === 2, 5000, 'two comment rows');
  });

  it('scrolls through 300 rows: rows load as they come into view, the DOM stays bounded', async () => {
    const page = await openClass('Post');
    await textMatching(page.getByTestId('class-total'), /304 objects/);
    const firstCount = await gridRows(page).count();
    expect(firstCount).toBeGreaterThan(10);
    expect(firstCount).toBeLessThan(80);
    const seen = new Set(await visibleIds(page));
    let domMax = firstCount;
    for (let i = 0; i < 40 && (await lastRowIndex(page)) < 304; i++) {
      await gridScroller(page).evaluate((el) => el.scrollBy(0, 600));
      await page.waitForTimeout(60);
      for (const id of await visibleIds(page)) seen.add(id);
      domMax = Math.max(domMax, await gridRows(page).count());
    }
    await until(async () => (await lastRowIndex(page)) === 304, 10_000, 'the last row');
    for (const id of await visibleIds(page)) seen.add(id);
    expect(domMax).toBeLessThan(80);
    // Every object went by, and only those.
    const all = (await dash.sql(`SELECT "objectId" FROM "Post"`)).map((r) => r.objectId);
    expect([...seen].sort()).toEqual(all.sort());
  });

  it('sorts by a column (ASC, DESC) as the database orders it', async () => {
    const page = await openClass('Post');
    await page.getByTestId('sort-views').click();
    await expect(page.getByTestId('header-views').getAttribute('aria-sort')).resolves.toBe('ascending');
    const asc = (await dash.sql(`SELECT "objectId" FROM "Post" ORDER BY "views" ASC, "objectId" LIMIT 5`)).map((r) => r.objectId);
    await until(async () => (await visibleIds(page)).slice(0, 1)[0] === asc[0], 5000, 'ascending order');
    await page.getByTestId('sort-views').click();
    await expect(page.getByTestId('header-views').getAttribute('aria-sort')).resolves.toBe('descending');
    const desc = (await dash.sql(`SELECT "objectId" FROM "Post" ORDER BY "views" DESC LIMIT 1`))[0].objectId;
    await until(async () => (await visibleIds(page))[0] === desc, 5000, 'descending order');
  });

  it('a large class sorted by a field without an index offers the index, which then exists in the database', async () => {
    await createClass(dash, 'Reading', { value: { type: 'Number' } });
    await insertRows(dash, 'Reading', 12_000, { value: '(n * 7919) % 1000' });
    const page = await openClass('Reading');
    // Once the class's size is known: sorted by objectId (the primary key), nothing to say.
    await textMatching(page.getByTestId('class-total'), /^12,000 objects$/);
    await page.getByTestId('sort-objectId').click();
    await expect(page.getByTestId('index-hint').count()).resolves.toBe(0);
    await page.getByTestId('sort-value').click();
    await textMatching(page.getByTestId('index-hint'), /No index starts with value/);
    await page.getByTestId('index-hint-create').click();
    await page.getByTestId('index-hint').waitFor({ state: 'detached' });
    const indexes = await dash.sql(`SELECT indexdef FROM pg_indexes WHERE tablename = 'Reading' AND indexdef LIKE '%value%'`);
    expect(indexes).toHaveLength(1);
  });

  it('the filter builder writes the API’s where and the grid shows what the database matches', async () => {
    const page = await openClass('Post');
    await page.getByTestId('filter-button').click();
    await page.getByTestId('filter-field-0').selectOption('views');
    await page.getByTestId('filter-op-0').selectOption('greaterThanOrEqualTo');
    await page.getByTestId('filter-value-0').fill('290');
    await expect(page.getByTestId('filter-where').textContent()).resolves.toMatch(/"views":\s*\{\s*"greaterThanOrEqualTo":\s*290\s*\}/);
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-field-1').selectOption('published');
    await page.getByTestId('filter-value-1').selectOption('true');
    await page.getByTestId('filter-apply').click();
    const expected = (await dash.sql(`SELECT "objectId" FROM "Post" WHERE "views" >= 290 AND "published" = true`)).map((r) => r.objectId).sort();
    expect(expected.length).toBeGreaterThan(3);
    await until(async () => JSON.stringify((await visibleIds(page)).sort()) === JSON.stringify(expected), 5000, 'the filtered rows');
    await expect(page.getByTestId('class-total').textContent()).resolves.toContain(`${expected.length} objects match`);
  });
});

describe('keyboard', () => {
  it('arrow keys move the active cell; Enter edits it; Escape cancels', async () => {
    const page = await openClass('Comment');
    const ids = await visibleIds(page);
    const box = (await cell(page, ids[0], 'text').boundingBox())!;
    await cell(page, ids[0], 'text').click({ position: { x: box.width - 4, y: box.height / 2 } });
    await expect(cell(page, ids[0], 'text').getAttribute('class')).resolves.toContain('active');
    await page.keyboard.press('ArrowDown');
    await expect(cell(page, ids[1], 'text').getAttribute('class')).resolves.toContain('active');
    await page.keyboard.press('Enter');
    await page.getByTestId('cell-editor').fill('never saved');
    await page.keyboard.press('Escape');
    await page.getByTestId('cell-editor').waitFor({ state: 'detached' });
    expect(await countRows(dash, 'Comment', `"text" = 'never saved'`)).toBe(0);
  });
});

describe('selection', () => {
  it('a cell range (shift-click) copies as tab-separated text', async () => {
    const { context } = await owner();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dash.origin });
    const page = await openClass('Post');
    await page.getByTestId('filter-button').click();
    await page.getByTestId('filter-field-0').selectOption('views');
    await page.getByTestId('filter-op-0').selectOption('lessThanOrEqualTo');
    await page.getByTestId('filter-value-0').fill('3');
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('sort-views').click();
    const rows = (await dash.sql(`SELECT "objectId", "title", "views" FROM "Post" WHERE "views" <= 3 ORDER BY "views"`)) as {
      objectId: string;
      title: string;
      views: number;
    }[];
    await until(async () => (await visibleIds(page)).join() === rows.map((r) => r.objectId).join(), 5000, 'the filtered rows');
    const edge = async (id: string, field: string, modifiers: 'Shift'[] = []) => {
      const box = (await cell(page, id, field).boundingBox())!;
      await cell(page, id, field).click({ position: { x: box.width - 4, y: box.height / 2 }, modifiers });
    };
    await edge(rows[0].objectId, 'title');
    await edge(rows[2].objectId, 'views', ['Shift']);
    await page.keyboard.press('Control+C');
    const copied = await until(() => page.evaluate(() => navigator.clipboard.readText()), 3000, 'the clipboard');
    const order = await page.locator('[role="columnheader"]').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-testid')!.slice(7)));
    const [from, to] = [order.indexOf('title'), order.indexOf('views')].sort((a, b) => a - b);
    const fields = order.slice(from, to + 1);
    // Columns between title and views (if any) are copied too; compare the title and views cells.
    const lines = copied.split('\n').map((l) => l.split('\t'));
    expect(lines).toHaveLength(3);
    for (const [i, line] of lines.entries()) {
      expect(line[fields.indexOf('title')]).toBe(rows[i].title);
      expect(line[fields.indexOf('views')]).toBe(String(rows[i].views));
    }
  });
});

describe('editing', () => {
  /**
   * Opens a cell's editor — by double-click, or (`keyboard`) by selecting the cell and pressing
   * Enter, as for a pointer whose link takes the click — types, saves, waits for it to close.
   */
  async function editCell(objectId: string, field: string, text: string, keyboard = false) {
    const { page } = await owner();
    const target = cell(page, objectId, field);
    if (keyboard) {
      const box = (await target.boundingBox())!;
      await target.click({ position: { x: box.width - 4, y: box.height / 2 } });
      await page.keyboard.press('Enter');
    } else await target.dblclick();
    const editor = page.getByTestId('cell-editor');
    if ((await editor.evaluate((e) => e.tagName)) === 'SELECT') await editor.selectOption(text);
    else {
      await editor.fill(text);
      await editor.press('Enter');
    }
    await editor.waitFor({ state: 'detached' });
  }

  it('inline edits of string, number, boolean, date and pointer reach the database', async () => {
    const id = blog.posts[1];
    const page = await openObject('Post', id);
    await editCell(id, 'title', 'Edited in the grid');
    await editCell(id, 'views', '4242');
    await editCell(id, 'published', 'false');
    await editCell(id, 'publishedAt', '2027-03-04T05:06:07.000Z');
    await editCell(id, 'author', blog.bob.id, true);
    await until(async () => (await row(id)).author === blog.bob.id, 5000, 'the pointer saved');
    const saved = await row(id);
    expect(saved).toMatchObject({ title: 'Edited in the grid', views: 4242, published: false, author: blog.bob.id });
    expect(new Date(saved.publishedAt).toISOString()).toBe('2027-03-04T05:06:07.000Z');
    await expect(cell(page, id, 'title').textContent()).resolves.toBe('Edited in the grid');
    await expect(cell(page, id, 'views').textContent()).resolves.toMatch(/4,?242/);
  });

  it('object, array and geo point through the value dialog; the ACL through its editor', async () => {
    const id = blog.posts[2];
    const page = await openObject('Post', id);
    await cell(page, id, 'meta').dblclick();
    await page.getByTestId('value-text').fill('{"words": 7, "lang": "fr"}');
    await page.getByTestId('value-save').click();
    await page.getByTestId('value-dialog').waitFor({ state: 'detached' });
    await cell(page, id, 'tags').dblclick();
    await page.getByTestId('value-text').fill('["a", "b", 3]');
    await page.getByTestId('value-save').click();
    await page.getByTestId('value-dialog').waitFor({ state: 'detached' });
    await cell(page, id, 'place').dblclick();
    await page.getByTestId('geo-lat').fill('10.5');
    await page.getByTestId('geo-lng').fill('-20.25');
    await page.getByTestId('value-save').click();
    await page.getByTestId('value-dialog').waitFor({ state: 'detached' });
    await until(async () => (await row(id)).place === '(-20.25,10.5)', 5000, 'the geo point (longitude, latitude)');
    const saved = await row(id);
    expect(saved.meta).toEqual({ words: 7, lang: 'fr' });
    expect(saved.tags).toEqual(['a', 'b', 3]);

    // ACL: public read only, plus alice read/write.
    await cell(page, id, 'ACL').dblclick();
    const dialog = page.getByTestId('acl-dialog');
    await dialog.getByLabel('Public write').uncheck();
    await page.getByTestId('acl-new').fill(blog.alice.id);
    await page.getByTestId('acl-add').click();
    const alice = page.getByTestId(`acl-entry-${blog.alice.id}`);
    await alice.getByRole('checkbox').nth(0).check();
    await alice.getByRole('checkbox').nth(1).check();
    await page.getByTestId('acl-save').click();
    await dialog.waitFor({ state: 'detached' });
    const acl = await until(
      async () => {
        const r = (await dash.sql(`SELECT "_rperm", "_wperm" FROM "Post" WHERE "objectId" = $1`, [id]))[0];
        return r._wperm && !r._wperm.includes('*') ? r : undefined;
      },
      5000,
      'the ACL saved',
    );
    expect([...acl._rperm].sort()).toEqual(['*', blog.alice.id].sort());
    expect(acl._wperm).toEqual([blog.alice.id]);
  });

  it('adds, clones, deletes and bulk deletes rows', async () => {
    const page = await openClass('Comment');
    const before = await countRows(dash, 'Comment');
    await page.getByTestId('add-row').click();
    await page.getByTestId('add-field-text').fill('Added from the dashboard');
    await page.getByTestId('add-field-post').fill(blog.posts[3]);
    await page.getByTestId('add-row-save').click();
    await page.getByTestId('add-row-dialog').waitFor({ state: 'detached' });
    const [added] = await until(
      () => dash.sql(`SELECT "objectId", "post" FROM "Comment" WHERE "text" = 'Added from the dashboard'`).then((r) => (r.length ? r : undefined)),
      5000,
      'the row added',
    );
    expect(added.post).toBe(blog.posts[3]);
    await cell(page, added.objectId, 'text').waitFor();

    await page.getByTestId(`select-${added.objectId}`).check();
    await page.getByTestId('clone-row').click();
    await until(async () => (await countRows(dash, 'Comment', `"text" = 'Added from the dashboard'`)) === 2, 5000, 'the clone');
    expect(await countRows(dash, 'Comment')).toBe(before + 2);

    // Bulk delete both copies.
    const copies = (await dash.sql(`SELECT "objectId" FROM "Comment" WHERE "text" = 'Added from the dashboard'`)).map((r) => r.objectId);
    await until(async () => (await gridRows(page).count()) === before + 2, 5000, 'the clone in the grid');
    for (const id of copies) {
      const box = page.getByTestId(`select-${id}`);
      if (!(await box.isChecked())) await box.check();
    }
    await expect(page.getByTestId('delete-rows').textContent()).resolves.toContain('(2)');
    await page.getByTestId('delete-rows').click();
    await page.getByTestId('confirm-ok').click();
    await until(async () => (await countRows(dash, 'Comment')) === before, 5000, 'the rows deleted');
    await until(async () => (await gridRows(page).count()) === before, 5000, 'the rows gone from the grid');
  });

  it('a pointer cell opens its object; a relation is attached, detached, and a new object created and attached', async () => {
    const page = await openClass('Comment');
    const [comment] = await dash.sql(`SELECT "objectId" FROM "Comment" WHERE "text" = 'Nice post'`);
    await page.getByTestId(`pointer-${comment.objectId}-post`).click();
    await page.waitForURL(new RegExp(`/dashboard/data/Post/${blog.posts[0]}$`));
    await until(async () => JSON.stringify(await visibleIds(page)) === JSON.stringify([blog.posts[0]]), 5000, 'the pointed object');

    await page.getByTestId(`relation-${blog.posts[0]}-related`).click();
    await page.getByTestId('relation-dialog').waitFor();
    await page.getByTestId('relation-attach-id').fill(`${blog.posts[1]}, ${blog.posts[2]}`);
    await page.getByTestId('relation-attach').click();
    await page.getByTestId(`related-${blog.posts[2]}`).waitFor();
    const related = async () =>
      (await dash.sql(`SELECT "relatedId" FROM "_Join:related:Post" WHERE "owningId" = $1 ORDER BY 1`, [blog.posts[0]])).map((r) => r.relatedId);
    expect(await related()).toEqual([blog.posts[1], blog.posts[2]].sort());
    await page.getByTestId(`detach-${blog.posts[1]}`).click();
    await page.getByTestId(`related-${blog.posts[1]}`).waitFor({ state: 'detached' });
    expect(await related()).toEqual([blog.posts[2]]);
    // Create a Post and attach it in one go.
    await page.getByTestId('relation-dialog').locator('summary').click();
    await page.getByTestId('relation-new-fields').fill('{"title": "Made in the relation dialog"}');
    await page.getByTestId('relation-create').click();
    const made = await until(
      () => dash.sql(`SELECT "objectId" FROM "Post" WHERE "title" = 'Made in the relation dialog'`).then((r) => r[0]?.objectId as string | undefined),
      5000,
      'the created post',
    );
    await page.getByTestId(`related-${made}`).waitFor();
    expect(await related()).toEqual([blog.posts[2], made].sort());
    await page.keyboard.press('Escape');
  });
});

describe('columns, views, export and import', () => {
  it('hidden, moved and resized columns stay so; a saved view (filter and sort) survives a reload and is stored on the server', async () => {
    const page = await openClass('Post');
    const headers = () => page.locator('[role="columnheader"]').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-testid')!.slice(7)));
    await page.getByTestId('columns-button').click();
    await page.getByTestId('column-visible-meta').uncheck();
    // Reorder: title one step left.
    const before = await headers();
    await page.getByTestId('column-up-title').click();
    await page.getByTestId('columns-button').click();
    await page.getByTestId('header-meta').waitFor({ state: 'detached' });
    const moved = await headers();
    expect(moved.indexOf('title')).toBe(before.filter((h) => h !== 'meta').indexOf('title') - 1);
    // Resize: drag the edge of the views column 120 px to the right.
    const width = async () => (await page.getByTestId('header-views').boundingBox())!.width;
    const start = await width();
    const handle = (await page.getByTestId('resize-views').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 120, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(Math.round((await width()) - start)).toBe(120);
    await page.getByTestId('filter-button').click();
    await page.getByTestId('filter-field-0').selectOption('published');
    await page.getByTestId('filter-value-0').selectOption('false');
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('sort-views').click();
    await page.getByTestId('view-save').click();
    await page.getByTestId('view-name').fill('Drafts by views');
    await page.getByTestId('view-save-confirm').click();
    const [stored] = await until(() => dash.sql(`SELECT * FROM "_PlinthView"`).then((r) => (r.length ? r : undefined)), 5000, 'the view stored');
    expect(JSON.stringify(stored)).toContain('Drafts by views');

    await page.reload();
    await gridRows(page).first().waitFor();
    expect(await page.getByTestId('header-meta').count()).toBe(0);
    expect(await headers()).toEqual(moved);
    expect(Math.round((await width()) - start)).toBe(120);
    const option = page.getByTestId('views-select').locator('option', { hasText: 'Drafts by views' });
    await page.getByTestId('views-select').selectOption({ value: (await option.getAttribute('value'))! });
    const drafts = (await dash.sql(`SELECT "objectId" FROM "Post" WHERE "published" = false ORDER BY "views" ASC LIMIT 3`)).map((r) => r.objectId);
    await until(async () => (await visibleIds(page)).slice(0, 3).join() === drafts.join(), 5000, 'the view applied');
    await expect(page.getByTestId('where-json').textContent()).resolves.toContain('"published"');
    // Back to every column for the tests after.
    await page.getByTestId('columns-button').click();
    await page.getByTestId('columns-reset').click();
  });

  it('exports CSV and JSON with what the database holds', async () => {
    const page = await openClass('Comment');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const jsonText = readFileSync((await json.path())!, 'utf8');
    const rows = await dash.sql(`SELECT "objectId", "text" FROM "Comment" ORDER BY "objectId"`);
    expect(csvText.split('\n')[0]).toMatch(/objectId/);
    for (const r of rows) {
      expect(csvText).toContain(r.objectId);
      expect(csvText).toContain(r.text);
    }
    const parsed = JSON.parse(jsonText);
    const list = Array.isArray(parsed) ? parsed : parsed.results;
    expect(list.map((o: { objectId: string }) => o.objectId).sort()).toEqual(rows.map((r) => r.objectId).sort());
  });

  it('imports a CSV after a preview', async () => {
    const page = await openClass('Comment');
    const before = await countRows(dash, 'Comment');
    await page.getByTestId('import').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'comments.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('text\nImported one\n"Imported, two"\n'),
    });
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    await expect(preview.textContent()).resolves.toContain('2 rows');
    await expect(preview.textContent()).resolves.toContain('Imported, two');
    expect(await countRows(dash, 'Comment')).toBe(before);
    await page.getByTestId('import-run').click();
    await expect(page.getByTestId('import-result').textContent()).resolves.toContain('Created 2');
    expect((await dash.sql(`SELECT "text" FROM "Comment" WHERE "text" LIKE 'Imported%' ORDER BY 1`)).map((r) => r.text)).toEqual([
      'Imported one',
      'Imported, two',
    ]);
  });
});

describe('live grid', () => {
  it('writes through the public API appear, change and disappear without a reload', async () => {
    const page = await openClass('Comment');
    await until(async () => (await page.getByTestId('live-status').textContent())?.includes('live'), 5000, 'the grid to be live');
    const id = await createObject(dash, 'Comment', { text: 'Written by someone else' });
    await cell(page, id, 'text').waitFor({ timeout: 5000 });
    await expect(cell(page, id, 'text').textContent()).resolves.toBe('Written by someone else');
    const { body } = await dash.api(
      `mutation($id: ID!) { updateComment(input: { id: $id, fields: { text: "Changed elsewhere" } }) { comment { objectId } } }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    await until(async () => (await cell(page, id, 'text').textContent()) === 'Changed elsewhere', 5000, 'the change');
    await dash.api(`mutation($id: ID!) { deleteComment(input: { id: $id }) { comment { objectId } } }`, { id });
    await page.getByTestId(`row-${id}`).waitFor({ state: 'detached', timeout: 8000 });
    expect(await countRows(dash, 'Comment', `"objectId" = '${id}'`)).toBe(0);
  });
});
