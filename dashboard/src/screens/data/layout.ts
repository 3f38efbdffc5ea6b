import { type ColumnLayout, emptyLayout } from '../../grid/columns.ts';

/** The column layout last used for a class, kept in localStorage as a UI preference (no data). */
export function loadLayout(className: string): ColumnLayout {
  try {
    const raw = localStorage.getItem(`plinth.grid.${className}`);
    if (!raw) return emptyLayout();
    const v = JSON.parse(raw) as Partial<ColumnLayout>;
    return { visibility: v.visibility ?? {}, order: v.order ?? [], sizing: v.sizing ?? {} };
  } catch {
    return emptyLayout();
  }
}

export function saveLayout(className: string, layout: ColumnLayout): void {
  try {
    localStorage.setItem(`plinth.grid.${className}`, JSON.stringify(layout));
  } catch {}
}
