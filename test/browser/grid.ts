import type { Page } from 'playwright-core';

// The data grid as the tests read it (dashboard/src/grid/Grid.tsx): rows are virtualised, each
// loaded row is `[role=row][data-testid=row-<objectId>]` with its 1-based `aria-rowindex`.

/** The rows currently in the DOM that hold an object (not placeholders, not the header). */
export function gridRows(page: Page) {
  return page.locator('[data-testid="grid"] [role="row"][data-testid^="row-"]');
}

/** The grid's scrolling element. */
export function gridScroller(page: Page) {
  return page.getByTestId('grid');
}

/** The objectIds of the rows in the DOM, in display order. */
export async function visibleIds(page: Page): Promise<string[]> {
  return gridRows(page).evaluateAll((rows) =>
    rows
      .map((r) => [Number(r.getAttribute('aria-rowindex')), r.getAttribute('data-testid')!.slice(4)] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, id]) => id),
  );
}

/** The highest row index (1-based) in the DOM. */
export async function lastRowIndex(page: Page): Promise<number> {
  return gridRows(page).evaluateAll((rows) => Math.max(0, ...rows.map((r) => Number(r.getAttribute('aria-rowindex')))));
}

/** A cell of an object's row. */
export function cell(page: Page, objectId: string, field: string) {
  return page.getByTestId(`cell-${objectId}-${field}`);
}
