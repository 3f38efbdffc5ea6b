// Saves PNGs of the dashboard's main screens at 1280×800, light and dark, into docs/screenshots/
// (`npx tsx test/browser/screenshots.ts`). A Plinth on in-memory PGlite with the browser tests'
// blog data; the UI is built first when stale. Not a test: run it after a visible change.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import buildIfStale from './global-setup.ts';
import { closeBrowser, loginThroughUi, openPage, startDashboard } from './harness.ts';
import { blogCloud, seedBlog } from './seed.ts';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

/** Each screen: its file name, its path, and what to wait for before the picture. */
const SCREENS: { name: string; path: string; ready: (page: Page) => Promise<unknown> }[] = [
  { name: 'data-browser', path: '/dashboard/data/Post', ready: (p) => p.getByTestId('grid').locator('[data-testid^="row-"]').first().waitFor() },
  { name: 'schema', path: '/dashboard/schema/Post', ready: (p) => p.getByText('publishedAt').first().waitFor() },
  { name: 'users', path: '/dashboard/users', ready: (p) => p.getByText('alice').first().waitFor() },
  { name: 'cloud', path: '/dashboard/cloud', ready: (p) => p.getByText('hello').first().waitFor() },
  { name: 'logs', path: '/dashboard/logs', ready: (p) => p.waitForLoadState('networkidle') },
  { name: 'audit', path: '/dashboard/audit', ready: (p) => p.waitForLoadState('networkidle') },
];

async function main(): Promise<void> {
  buildIfStale();
  mkdirSync(OUT, { recursive: true });
  const dash = await startDashboard({ cloud: blogCloud });
  try {
    const blog = await seedBlog(dash, { bulkPosts: 60 });
    const owner = await dash.createAdmin('OWNER');
    await dash.createAdmin('READ_ONLY');
    for (const scheme of ['light', 'dark'] as const) {
      const login = await openPage(dash, { colorScheme: scheme, path: '/dashboard/' });
      await login.page.getByTestId('login-form').waitFor();
      await login.page.screenshot({ path: path.join(OUT, `login-${scheme}.png`) });
      await login.context.close();

      const { page, context } = await loginThroughUi(dash, owner.email, owner.password, { colorScheme: scheme });
      // Something for the audit trail to show.
      if (scheme === 'light') {
        await dash.master(`mutation($id: ID!) { updatePost(input: { id: $id, fields: { views: 13, title: "Hello again" } }) { post { objectId } } }`, {
          id: blog.posts[0],
        });
      }
      for (const screen of SCREENS) {
        await page.goto(screen.path);
        await screen.ready(page).catch((e: Error) => process.stderr.write(`${screen.name} (${scheme}): ${e.message.split('\n')[0]}\n`));
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(OUT, `${screen.name}-${scheme}.png`) });
      }
      await context.close();
    }
  } finally {
    await closeBrowser();
    await dash.stop();
  }
  process.stdout.write(`screenshots written to ${OUT}\n`);
}

await main();
