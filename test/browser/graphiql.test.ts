import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClass, createObject } from './fixtures.ts';
import { closeBrowser, MASTER_KEY, recordTraffic, roleSessions, startDashboard, until, type Dashboard } from './harness.ts';

// The embedded GraphiQL and its identity switch: anonymous cannot read a private class, "me"
// (master within the admin's rights) can, and the master key never reaches the page or the frame.
let dash: Dashboard;
const sessions = roleSessions(() => dash);

beforeAll(async () => {
  dash = await startDashboard();
  await createClass(dash, 'Vault', { code: { type: 'String' } }, { find: {}, get: {}, count: {}, create: {}, update: {}, delete: {}, addField: {} });
  await createObject(dash, 'Vault', { code: 'vault-code-1' });
});
afterAll(async () => {
  await sessions.close();
  await closeBrowser();
  await dash?.stop();
});

/** Types a query into GraphiQL's editor, runs it, and answers the response pane's text once it changes. */
async function run(page: Page, frame: FrameLocator, query: string): Promise<string> {
  const editor = frame.locator('.graphiql-query-editor').first();
  // The frame inlines GraphiQL's bundle (megabytes): slow to start on a busy machine.
  await editor.waitFor({ timeout: 40_000 });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText: no auto-closed brackets from the editor.
  await page.keyboard.insertText(query);
  const response = frame.locator('.graphiql-response').first();
  const before = (await response.textContent()) ?? '';
  await frame.locator('.graphiql-execute-button').first().click();
  return until(
    async () => {
      const text = (await response.textContent()) ?? '';
      return text !== before && /[{}]/.test(text) ? text : undefined;
    },
    15_000,
    'the GraphiQL response',
  );
}

describe('GraphiQL', () => {
  it('anonymous cannot read a private class, "me" can; no master key anywhere the page sees', { timeout: 120_000 }, async () => {
    const { page } = await sessions.as('OWNER');
    const traffic = recordTraffic(page);
    await page.goto('/dashboard/graphiql');
    await page.getByTestId('graphiql-identity').selectOption('anonymous');
    await page.waitForURL(/\/dashboard\/graphiql\/anonymous$/);
    let frame = page.frameLocator('[data-testid="graphiql-frame"]');
    const anonymous = await run(page, frame, '{ vaults { count edges { node { code } } } }');
    expect(anonymous).toMatch(/"code":\s*119|Permission denied|unauthorized/i);
    expect(anonymous).not.toContain('vault-code-1');

    await page.getByTestId('graphiql-identity').selectOption('master');
    await page.waitForURL(/\/dashboard\/graphiql\/master$/);
    frame = page.frameLocator('[data-testid="graphiql-frame"]');
    const master = await run(page, frame, '{ vaults { count edges { node { code } } } }');
    expect(master).toContain('vault-code-1');
    expect(master).toMatch(/"count":\s*1/);

    await traffic.settle();
    const frameHtml = await page
      .frames()
      .find((f) => f.url().includes('/dashboard/api/graphiql'))!
      .content();
    const seen = [...traffic.texts, await page.content(), frameHtml].join('\n');
    expect(seen.includes(MASTER_KEY)).toBe(false);
    // A master key typed into a request's headers is not honoured (the proxy forwards none).
    const typed = await page.evaluate(async (key) => {
      const session = await (await fetch('/dashboard/api/session')).json();
      const res = await fetch('/dashboard/api/graphql-proxy?as=anonymous', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-plinth-csrf': session.csrfToken, 'x-parse-master-key': key },
        body: JSON.stringify({ query: '{ vaults { count } }' }),
      });
      return res.text();
    }, MASTER_KEY);
    expect(typed).not.toMatch(/"count":\s*1/);
  });
});
