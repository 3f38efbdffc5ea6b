import type { Obj } from './types.ts';

/** Rows fetched per request. */
export const PAGE_SIZE = 100;
/** Pages kept around the visible ones; pages further away are dropped (their cursor is kept). */
const KEEP_PAGES = 3;

interface Page {
  /** The keyset cursor this page starts after (null: the first page). */
  after: string | null;
  rows: Obj[] | null;
  /** Rows this page held when last fetched; null until first fetched (counted as PAGE_SIZE). */
  length: number | null;
  loading: boolean;
}

export type FetchPage = (after: string | null, first: number) => Promise<{ objects: Obj[]; next: string | null }>;

/**
 * The rows of one grid: pages fetched by keyset cursor as the viewport reaches them, far pages
 * dropped so memory stays bounded on a class of millions, and rows created live shown on top.
 * Row indexes: the live-created rows first, then the pages in order.
 */
export class RowStore {
  private pages: Page[] = [{ after: null, rows: null, length: null, loading: false }];
  private fresh: Obj[] = [];
  private starts: number[] = [];
  private dirty = true;
  private done = false;
  private disposed = false;
  private listeners = new Set<() => void>();
  /** Objects marked as just deleted (shown briefly) or just created / updated (flash). */
  readonly marks = new Map<string, 'gone' | 'new' | 'changed'>();
  error: string | null = null;

  constructor(private readonly fetchPage: FetchPage) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(): void {
    this.dirty = true;
    for (const l of this.listeners) l();
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private layout(): void {
    if (!this.dirty) return;
    let at = this.fresh.length;
    this.starts = this.pages.map((p) => {
      const s = at;
      at += p.length ?? PAGE_SIZE;
      return s;
    });
    this.total = at;
    this.dirty = false;
  }

  private total = 0;

  /** Rows the grid lays out: those known plus one page of placeholders while more may follow. */
  get count(): number {
    this.layout();
    const last = this.pages[this.pages.length - 1]!;
    // A first page fetched empty: nothing to show.
    if (this.done && last.length === 0 && this.pages.length === 1) return this.fresh.length;
    return this.total;
  }

  get loading(): boolean {
    return this.pages.some((p) => p.loading);
  }

  /** Whether every page has been reached (the end of the class is known). */
  get complete(): boolean {
    return this.done;
  }

  private pageOf(index: number): number {
    this.layout();
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The row at an index, or undefined while its page is not loaded (a placeholder row). */
  rowAt(index: number): Obj | undefined {
    if (index < this.fresh.length) return this.fresh[index];
    const p = this.pageOf(index);
    const page = this.pages[p]!;
    return page.rows?.[index - this.starts[p]!];
  }

  /** The loaded rows (for select-all and lookups); at most a few pages. */
  loadedRows(): Obj[] {
    const out = [...this.fresh];
    for (const p of this.pages) if (p.rows) out.push(...p.rows);
    return out;
  }

  /**
   * Called with the visible row range (after each scroll): loads the pages it touches (plus half
   * a page ahead) and drops pages far from it.
   */
  ensureRange(start: number, end: number): void {
    if (this.disposed) return;
    this.layout();
    const first = this.pageOf(Math.max(0, start));
    const last = this.pageOf(Math.max(0, end + PAGE_SIZE / 2));
    for (let p = first; p <= last && p < this.pages.length; p++) this.load(p);
    for (let p = 0; p < this.pages.length; p++) {
      const page = this.pages[p]!;
      if (page.rows && (p < first - KEEP_PAGES || p > last + KEEP_PAGES)) page.rows = null;
    }
  }

  private load(p: number): void {
    const page = this.pages[p]!;
    if (page.rows || page.loading) return;
    page.loading = true;
    // A dropped page is fetched back with the size it had, so it ends where the next one starts.
    this.fetchPage(page.after, page.length ?? PAGE_SIZE).then(
      ({ objects, next }) => {
        if (this.disposed) return;
        page.loading = false;
        page.rows = objects;
        page.length = objects.length;
        this.error = null;
        if (p === this.pages.length - 1) {
          if (next && objects.length > 0) this.pages.push({ after: next, rows: null, length: null, loading: false });
          else this.done = true;
        }
        this.emit();
      },
      (e: unknown) => {
        if (this.disposed) return;
        page.loading = false;
        this.error = e instanceof Error ? e.message : String(e);
        this.emit();
      },
    );
  }

  private locate(objectId: string): { list: Obj[]; index: number; page?: Page } | null {
    const i = this.fresh.findIndex((o) => o.objectId === objectId);
    if (i >= 0) return { list: this.fresh, index: i };
    for (const page of this.pages) {
      const j = page.rows?.findIndex((o) => o.objectId === objectId) ?? -1;
      if (j >= 0) return { list: page.rows!, index: j, page };
    }
    return null;
  }

  /** A row created here or seen live: shown on top (if not already there), flashed. */
  insert(obj: Obj): void {
    if (this.locate(obj.objectId)) {
      this.update(obj);
      return;
    }
    this.fresh.unshift(obj);
    this.flash(obj.objectId, 'new');
  }

  /** A row changed (here or live): replaced in place when loaded. */
  update(obj: Obj, flash = true): void {
    const at = this.locate(obj.objectId);
    if (!at) return;
    at.list[at.index] = { ...at.list[at.index], ...obj };
    if (flash) this.flash(obj.objectId, 'changed');
    else this.emit();
  }

  /** A row deleted (here or live): marked for a moment, then removed. */
  remove(objectId: string): void {
    if (!this.locate(objectId)) return;
    this.marks.set(objectId, 'gone');
    this.emit();
    setTimeout(() => {
      this.marks.delete(objectId);
      const at = this.locate(objectId);
      if (!at) return;
      at.list.splice(at.index, 1);
      if (at.page) at.page.length = (at.page.length ?? 1) - 1;
      this.emit();
    }, 900);
  }

  private flash(objectId: string, kind: 'new' | 'changed'): void {
    this.marks.set(objectId, kind);
    this.emit();
    setTimeout(() => {
      if (this.marks.get(objectId) !== kind) return;
      this.marks.delete(objectId);
      this.emit();
    }, 1500);
  }
}
