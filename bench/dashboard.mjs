#!/usr/bin/env node
// The dashboard's figures (issue 14, point 12), printed as one JSON object:
//   1. bundle: gzip size of what the first screen loads — the entry (index.html, its script,
//      style and preloads, from dist/dashboard) and, as the browser sees it, everything fetched
//      until the data browser shows its first rows;
//   2. firstRows: time from navigation to the first row visible on a class of ROWS objects
//      (default 1,000,000, seeded with one INSERT … SELECT generate_series);
//   3. heap: the page's JS heap (CDP Runtime.getHeapUsage) after scrolling through SCROLL rows
//      (default 100,000) of that class.
// Runs a Plinth on in-memory PGlite in this process (test/browser/harness.ts, through tsx) and
// Debian's chromium; builds dist/dashboard first when it is stale. Not a test: `node bench/dashboard.mjs`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.ROWS ?? 1_000_000);
const SCROLL = Number(process.env.SCROLL ?? 100_000);
const log = (msg) => process.stderr.write(`[dashboard bench] ${msg}\n`);

const { default: buildIfStale } = await import('../test/browser/global-setup.ts');
const { startDashboard, loginThroughUi, closeBrowser, recordTraffic } = await import('../test/browser/harness.ts');
const { createClass, insertRows } = await import('../test/browser/fixtures.ts');
const { gridRows, gridScroller, lastRowIndex } = await import('../test/browser/grid.ts');

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => Math.round((n / 1024) * 10) / 10;

/** The entry as index.html names it: the page, its module script, styles and preloads. */
function entryBundle() {
  const dist = path.join(root, 'dist/dashboard');
  const html = readFileSync(path.join(dist, 'index.html'));
  const refs = [...html.toString().matchAll(/(?:src|href)="\/dashboard\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const files = { 'index.html': gz(html) };
  for (const ref of refs) files[ref] = gz(readFileSync(path.join(dist, ref)));
  return { files, totalGzipKB: kb(Object.values(files).reduce((a, b) => a + b, 0)) };
}

buildIfStale();
const figures = { bundle: { entry: entryBundle() } };

const dash = await startDashboard();
try {
  log(`seeding ${ROWS.toLocaleString('en')} objects`);
  await createClass(dash, 'Big', { title: { type: 'String' }, n: { type: 'Number' }, flag: { type: 'Boolean' } });
  let t = performance.now();
  await insertRows(dash, 'Big', ROWS, { title: `'Row ' || n`, n: 'n', flag: 'n % 3 = 0' }, 'b');
  figures.seedSeconds = Math.round((performance.now() - t) / 100) / 10;
  const admin = await dash.createAdmin('OWNER');

  // 1b. What the browser fetches for the first screen with rows (scripts and styles, gzipped as served or here).
  const viewer = await loginThroughUi(dash, admin.email, admin.password);
  const { page, context } = viewer;
  const traffic = recordTraffic(page);
  const assets = new Map();
  page.on('response', async (res) => {
    const url = res.url();
    if (!/\.(js|css)$/.test(new URL(url).pathname)) return;
    try {
      assets.set(new URL(url).pathname, gz(await res.body()));
    } catch {}
  });

  // 2. Time to first rows: navigation start → the first grid row visible.
  t = performance.now();
  await page.goto('/dashboard/data/Big');
  await gridRows(page).first().waitFor({ state: 'visible', timeout: 120_000 });
  figures.firstRowsMs = Math.round(performance.now() - t);
  await traffic.settle();
  await page.waitForLoadState('networkidle');
  figures.bundle.firstScreen = {
    files: Object.fromEntries([...assets].map(([p, n]) => [p.replace('/dashboard/', ''), n])),
    totalGzipKB: kb([...assets.values()].reduce((a, b) => a + b, 0) + figures.bundle.entry.files['index.html']),
  };

  // 3. Scroll through SCROLL rows, then read the heap (after a GC).
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
    return { usedMB: Math.round(usedSize / 2 ** 20), totalMB: Math.round(totalSize / 2 ** 20) };
  };
  figures.heapAtFirstRows = await heap();
  // The grid grows a page at a time as its end comes into view (keyset paging): scroll to the
  // bottom, wait for the next rows, again, until SCROLL rows have gone by.
  const scroller = gridScroller(page);
  t = performance.now();
  let reached = 0;
  while (reached < SCROLL) {
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const before = reached;
    await page.waitForFunction(
      (at) =>
        [...document.querySelectorAll('[data-testid="grid"] [role="row"][data-testid^="row-"]')].some((r) => Number(r.getAttribute('aria-rowindex')) > at),
      before,
      { timeout: 60_000, polling: 16 },
    );
    reached = await lastRowIndex(page);
  }
  figures.scrolledRows = reached;
  figures.scrollSeconds = Math.round((performance.now() - t) / 100) / 10;
  figures.heapAfterScroll = await heap();
  figures.domRowsAfterScroll = await gridRows(page).count();
  await context.close();
} finally {
  await closeBrowser();
  await dash.stop();
}
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
