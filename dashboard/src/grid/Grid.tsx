import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { GridColumn } from './columns.ts';
import { CellView } from './CellView.tsx';
import { CellInput } from './CellInput.tsx';
import { copyText } from './format.ts';
import type { RowStore } from './pager.ts';
import { emptyRange, inRange, type CellPos, type Range } from './selection.ts';
import type { FieldInfo, Obj } from './types.ts';
import { SYSTEM_FIELDS } from './types.ts';
import { useVirtualRows } from './useVirtualRows.ts';
import { INLINE_TYPES } from './values.ts';

export const ROW_HEIGHT = 32;
const HEADER_HEIGHT = 34;
const CHECK_WIDTH = 36;
/** Copying more rows than this at once is refused (only loaded rows can be copied anyway). */
const MAX_COPY_ROWS = 5000;

export interface GridProps {
  store: RowStore;
  columns: GridColumn[];
  totalSize: number;
  /** Whether cells may be edited (write role, class writable). */
  editable: boolean;
  /** The current order, e.g. ['createdAt_DESC']. */
  order: string[];
  onSort: (field: string) => void;
  selected: Set<string>;
  onSelectedChange: (next: Set<string>) => void;
  onResize: (id: string, size: number) => void;
  /** A column dropped on another: it takes that column's place (after it when moved rightwards). */
  onMove: (id: string, targetId: string) => void;
  /** Saves an inline edit; rejects with a readable error. */
  onCommit: (obj: Obj, field: FieldInfo, value: unknown) => Promise<void>;
  /** Opens the dialog editor for a field the cell does not edit in place (JSON, geo point, ACL, file). */
  onOpenEditor: (obj: Obj, field: FieldInfo) => void;
  onOpenPointer: (className: string, objectId: string) => void;
  onOpenRelation: (obj: Obj, field: FieldInfo) => void;
}

/**
 * The data grid: a sticky header (sort, drag to reorder, resize), virtualised fixed-height rows,
 * an active cell moved with the arrow keys, a cell range (shift-click / drag / shift-arrows)
 * copied as TSV, Enter to edit, Escape to cancel.
 */
export function Grid(props: GridProps) {
  const { store, columns, totalSize, editable } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => bump(0)), [store]);
  const count = store.count;
  const virtualizer = useVirtualRows(() => scrollRef.current, count, ROW_HEIGHT, HEADER_HEIGHT);
  const items = virtualizer.getVirtualItems();

  const [range, setRange] = useState<Range>(emptyRange);
  const [editing, setEditing] = useState<CellPos | null>(null);
  const dragging = useRef(false);
  const [dragCol, setDragCol] = useState<string | null>(null);

  // Load what is in view (and a little ahead); drop what is far.
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => store.ensureRange(firstIndex, lastIndex), [store, firstIndex, lastIndex, count]);

  useEffect(() => {
    const up = () => void (dragging.current = false);
    document.addEventListener('mouseup', up);
    return () => document.removeEventListener('mouseup', up);
  }, []);

  // A new store (class, filter or sort changed): back to the top, nothing selected.
  useLayoutEffect(() => {
    setRange(emptyRange);
    setEditing(null);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [store]);

  const active = range.focus;

  const scrollIntoView = (pos: CellPos) => {
    virtualizer.scrollToIndex(pos.row, { align: 'auto' });
    const el = scrollRef.current;
    const col = columns[pos.col];
    if (!el || !col) return;
    const left = CHECK_WIDTH + col.start;
    if (left < el.scrollLeft + CHECK_WIDTH) el.scrollLeft = left - CHECK_WIDTH;
    else if (left + col.size > el.scrollLeft + el.clientWidth) el.scrollLeft = left + col.size - el.clientWidth;
  };

  const canEditCell = (obj: Obj | undefined, field: FieldInfo) =>
    editable && !!obj && !SYSTEM_FIELDS.has(field.name) && field.type !== 'Relation' && store.marks.get(obj.objectId) !== 'gone';

  const startEdit = (pos: CellPos) => {
    const obj = store.rowAt(pos.row);
    const col = columns[pos.col];
    if (!obj || !col) return;
    if (col.field.type === 'Relation') return props.onOpenRelation(obj, col.field);
    // Values too long for a cell open their dialog even when read-only (it then only shows them).
    if (!INLINE_TYPES.has(col.field.type) && !SYSTEM_FIELDS.has(col.field.name)) return props.onOpenEditor(obj, col.field);
    if (canEditCell(obj, col.field)) setEditing(pos);
  };

  const copy = () => {
    if (!active) return;
    const r0 = Math.min(range.anchor!.row, active.row);
    const r1 = Math.min(Math.max(range.anchor!.row, active.row), r0 + MAX_COPY_ROWS - 1);
    const c0 = Math.min(range.anchor!.col, active.col);
    const c1 = Math.max(range.anchor!.col, active.col);
    const lines: string[] = [];
    for (let r = r0; r <= r1; r++) {
      const obj = store.rowAt(r);
      const cells: string[] = [];
      for (let c = c0; c <= c1; c++) {
        const col = columns[c]!;
        cells.push(obj ? copyText(obj[col.id], col.field) : '');
      }
      lines.push(cells.join('\t'));
    }
    const text = lines.join('\n');
    if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(text).catch(() => copyFallback(text));
    else copyFallback(text);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (editing || (e.target as HTMLElement) !== scrollRef.current) return;
    const pos = active ?? { row: 0, col: 0 };
    let next: CellPos | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = { row: Math.min(count - 1, pos.row + 1), col: pos.col };
        break;
      case 'ArrowUp':
        next = { row: Math.max(0, pos.row - 1), col: pos.col };
        break;
      case 'ArrowRight':
        next = { row: pos.row, col: Math.min(columns.length - 1, pos.col + 1) };
        break;
      case 'ArrowLeft':
        next = { row: pos.row, col: Math.max(0, pos.col - 1) };
        break;
      case 'PageDown':
        next = { row: Math.min(count - 1, pos.row + 20), col: pos.col };
        break;
      case 'PageUp':
        next = { row: Math.max(0, pos.row - 20), col: pos.col };
        break;
      case 'Home':
        next = { row: e.ctrlKey || e.metaKey ? 0 : pos.row, col: 0 };
        break;
      case 'End':
        next = { row: e.ctrlKey || e.metaKey ? count - 1 : pos.row, col: columns.length - 1 };
        break;
      case 'Enter':
      case 'F2':
        if (active) {
          e.preventDefault();
          startEdit(active);
        }
        return;
      case 'Escape':
        if (active) setRange({ anchor: active, focus: active });
        return;
      case ' ': {
        const obj = active && store.rowAt(active.row);
        if (obj) {
          e.preventDefault();
          toggleRow(obj.objectId);
        }
        return;
      }
      default:
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') {
          e.preventDefault();
          copy();
        } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
          e.preventDefault();
          setRange({ anchor: { row: 0, col: 0 }, focus: { row: count - 1, col: columns.length - 1 } });
        }
        return;
    }
    if (!next || count === 0) return;
    e.preventDefault();
    setRange(e.shiftKey && range.anchor ? { anchor: range.anchor, focus: next } : { anchor: next, focus: next });
    scrollIntoView(next);
  };

  const toggleRow = (objectId: string) => {
    const next = new Set(props.selected);
    if (next.has(objectId)) next.delete(objectId);
    else next.add(objectId);
    props.onSelectedChange(next);
  };
  const loaded = store.loadedRows();
  const allSelected = loaded.length > 0 && loaded.every((o) => props.selected.has(o.objectId));

  const onCellMouseDown = (e: MouseEvent, pos: CellPos) => {
    if (e.button !== 0) return;
    if ((e.target as HTMLElement).closest('a,button,input,select,textarea')) return;
    if (editing && (editing.row !== pos.row || editing.col !== pos.col)) setEditing(null);
    dragging.current = true;
    setRange(e.shiftKey && range.anchor ? { anchor: range.anchor, focus: pos } : { anchor: pos, focus: pos });
    scrollRef.current?.focus({ preventScroll: true });
    e.preventDefault();
  };

  const startResize = (e: PointerEvent, col: GridColumn) => {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const startSize = col.size;
    const move = (ev: PointerEvent) => props.onResize(col.id, Math.max(60, Math.min(900, startSize + ev.clientX - startX)));
    const up = () => {
      removeEventListener('pointermove', move);
      removeEventListener('pointerup', up);
    };
    addEventListener('pointermove', move);
    addEventListener('pointerup', up);
  };

  const sortOf = (id: string) => {
    const o = props.order[0];
    if (o === `${id}_ASC`) return 'asc';
    if (o === `${id}_DESC`) return 'desc';
    return null;
  };

  const width = CHECK_WIDTH + totalSize;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a virtualised ARIA grid of divs (a <table> cannot hold absolutely placed rows)
    <div class="grid" ref={scrollRef} tabIndex={0} role="grid" aria-rowcount={count} aria-colcount={columns.length} onKeyDown={onKeyDown} data-testid="grid">
      <div class="grid-inner" style={{ width: `${width}px`, height: `${virtualizer.getTotalSize() + HEADER_HEIGHT}px` }}>
        {/* biome-ignore lint/a11y/useSemanticElements: see the grid above */}
        {/* biome-ignore lint/a11y/useFocusableInteractive: see the grid above */}
        <div class="grid-header" role="row" style={{ width: `${width}px`, height: `${HEADER_HEIGHT}px` }}>
          <div class="grid-check" style={{ width: `${CHECK_WIDTH}px` }}>
            <input
              type="checkbox"
              aria-label="Select all loaded rows"
              checked={allSelected}
              onChange={() => props.onSelectedChange(allSelected ? new Set() : new Set(loaded.map((o) => o.objectId)))}
              data-testid="select-all"
            />
          </div>
          {columns.map((col) => {
            const sort = sortOf(col.id);
            return (
              // biome-ignore lint/a11y/useSemanticElements: see the grid above
              // biome-ignore lint/a11y/useFocusableInteractive: see the grid above
              <div
                key={col.id}
                role="columnheader"
                aria-sort={sort === 'asc' ? 'ascending' : sort === 'desc' ? 'descending' : 'none'}
                class={`grid-hcell${dragCol === col.id ? ' dragging' : ''}`}
                style={{ width: `${col.size}px` }}
                draggable
                onDragStart={(e) => {
                  setDragCol(col.id);
                  e.dataTransfer?.setData('text/x-plinth-column', col.id);
                }}
                onDragEnd={() => setDragCol(null)}
                onDragOver={(e) => {
                  if (dragCol && dragCol !== col.id) e.preventDefault();
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragCol && dragCol !== col.id) props.onMove(dragCol, col.id);
                  setDragCol(null);
                }}
                data-testid={`header-${col.id}`}
              >
                <button type="button" class="grid-sort" title={`Sort by ${col.id}`} onClick={() => props.onSort(col.id)} data-testid={`sort-${col.id}`}>
                  <span class="grid-hname">{col.id}</span>
                  <span class="grid-htype">
                    {col.field.type === 'Pointer' || col.field.type === 'Relation' ? `${col.field.type}<${col.field.targetClass ?? ''}>` : col.field.type}
                  </span>
                  {sort && <span class="grid-sortmark">{sort === 'asc' ? '▲' : '▼'}</span>}
                </button>
                <span
                  class="grid-resize"
                  onPointerDown={(e) => startResize(e, col)}
                  onDblClick={() => props.onResize(col.id, 180)}
                  data-testid={`resize-${col.id}`}
                  aria-hidden="true"
                />
              </div>
            );
          })}
        </div>
        {items.map((item) => {
          const obj = store.rowAt(item.index);
          const mark = obj ? store.marks.get(obj.objectId) : undefined;
          const isSelected = !!obj && props.selected.has(obj.objectId);
          return (
            // biome-ignore lint/a11y/useSemanticElements: see the grid above
            // biome-ignore lint/a11y/useFocusableInteractive: see the grid above
            <div
              key={obj ? obj.objectId : `p${item.index}`}
              role="row"
              aria-rowindex={item.index + 1}
              class={`grid-row${obj ? '' : ' placeholder'}${isSelected ? ' selected' : ''}${mark ? ` mark-${mark}` : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px`, width: `${width}px` }}
              data-testid={obj ? `row-${obj.objectId}` : undefined}
            >
              <div class="grid-check" style={{ width: `${CHECK_WIDTH}px` }}>
                {obj && (
                  <input
                    type="checkbox"
                    aria-label={`Select ${obj.objectId}`}
                    checked={isSelected}
                    onChange={() => toggleRow(obj.objectId)}
                    data-testid={`select-${obj.objectId}`}
                  />
                )}
              </div>
              {columns.map((col, c) => {
                const pos = { row: item.index, col: c };
                const isActive = active?.row === item.index && active.col === c;
                const isEditing = editing?.row === item.index && editing.col === c;
                return (
                  // biome-ignore lint/a11y/useSemanticElements: see the grid above
                  // biome-ignore lint/a11y/useFocusableInteractive: see the grid above
                  <div
                    key={col.id}
                    role="gridcell"
                    class={`grid-cell${isActive ? ' active' : ''}${inRange(range, pos) ? ' in-range' : ''}`}
                    style={{ width: `${col.size}px` }}
                    onMouseDown={(e) => onCellMouseDown(e, pos)}
                    onMouseEnter={() => {
                      if (dragging.current && range.anchor) setRange({ anchor: range.anchor, focus: pos });
                    }}
                    onDblClick={() => startEdit(pos)}
                    data-testid={obj ? `cell-${obj.objectId}-${col.id}` : undefined}
                  >
                    {!obj ? (
                      c === 0 ? (
                        <span class="muted">…</span>
                      ) : null
                    ) : isEditing ? (
                      <CellInput
                        obj={obj}
                        field={col.field}
                        onCancel={() => {
                          setEditing(null);
                          scrollRef.current?.focus({ preventScroll: true });
                        }}
                        onCommit={async (value) => {
                          await props.onCommit(obj, col.field, value);
                          setEditing(null);
                          scrollRef.current?.focus({ preventScroll: true });
                        }}
                      />
                    ) : (
                      <CellView obj={obj} field={col.field} onOpenPointer={props.onOpenPointer} onOpenRelation={() => props.onOpenRelation(obj, col.field)} />
                    )}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function copyFallback(text: string): void {
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.appendChild(ta);
  ta.select();
  document.execCommand('copy');
  ta.remove();
}
