import { useEffect, useRef, useState } from 'preact/hooks';
import type { ColumnLayout } from '../../grid/columns.ts';
import { moveColumn } from '../../grid/columns.ts';
import type { FieldInfo } from '../../grid/types.ts';

/** Column hide / reorder (buttons, for keyboards) / reset, next to drag and resize in the header. */
export function ColumnsMenu({ fields, layout, onChange }: { fields: FieldInfo[]; layout: ColumnLayout; onChange: (l: ColumnLayout) => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  const ids = fields.map((f) => f.name);
  const order = moveColumn(layout.order, ids, '', 0);
  return (
    <div class="popover-anchor" ref={root}>
      <button type="button" class="small" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="columns-button">
        Columns
      </button>
      {open && (
        <div class="popover columns-menu" data-testid="columns-menu">
          <ul>
            {order.map((id, i) => (
              <li key={id}>
                <label>
                  <input
                    type="checkbox"
                    checked={layout.visibility[id] !== false}
                    onChange={() => onChange({ ...layout, visibility: { ...layout.visibility, [id]: layout.visibility[id] === false } })}
                    data-testid={`column-visible-${id}`}
                  />
                  {id}
                </label>
                <span class="spacer" />
                <button
                  type="button"
                  class="icon-button"
                  aria-label={`Move ${id} left`}
                  disabled={i === 0}
                  onClick={() => onChange({ ...layout, order: moveColumn(order, ids, id, i - 1) })}
                  data-testid={`column-up-${id}`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="icon-button"
                  aria-label={`Move ${id} right`}
                  disabled={i === order.length - 1}
                  onClick={() => onChange({ ...layout, order: moveColumn(order, ids, id, i + 1) })}
                  data-testid={`column-down-${id}`}
                >
                  ↓
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="small" onClick={() => onChange({ visibility: {}, order: [], sizing: {} })} data-testid="columns-reset">
            Reset layout
          </button>
        </div>
      )}
    </div>
  );
}
