import { useEffect, useRef, useState } from 'preact/hooks';
import type { FieldInfo, Obj } from './types.ts';
import { editText, parseInput } from './values.ts';

/**
 * The in-cell editor for simple types: Enter (or leaving the cell) saves, Escape cancels.
 * A value the type does not accept stays in the editor with its error as the tooltip.
 */
export function CellInput({
  obj,
  field,
  onCommit,
  onCancel,
}: {
  obj: Obj;
  field: FieldInfo;
  onCommit: (value: unknown) => Promise<void>;
  onCancel: () => void;
}) {
  const initial = editText(obj[field.name], field);
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  // Set once the edit is cancelled: the blur that follows (the grid takes focus back) must not save it.
  const cancelled = useRef(false);
  const ref = useRef<HTMLInputElement & HTMLSelectElement>(null);
  useEffect(() => {
    ref.current?.focus();
    if (ref.current instanceof HTMLInputElement) ref.current.select();
  }, []);

  const commit = async (value: string) => {
    if (busy.current) return;
    if (value === initial) return onCancel();
    let parsed: unknown;
    try {
      parsed = parseInput(value, field);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    busy.current = true;
    try {
      await onCommit(parsed);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      busy.current = false;
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      cancelled.current = true;
      onCancel();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void commit(text);
    }
  };

  if (field.type === 'Boolean')
    return (
      <select
        ref={ref}
        class={`cell-input${error ? ' invalid' : ''}`}
        value={text}
        title={error ?? undefined}
        onChange={(e) => {
          setText(e.currentTarget.value);
          void commit(e.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={onCancel}
        data-testid="cell-editor"
      >
        <option value="">(unset)</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  return (
    <input
      ref={ref}
      class={`cell-input${error ? ' invalid' : ''}`}
      value={text}
      title={error ?? (field.type === 'Date' ? 'ISO date, e.g. 2026-01-31T12:00:00Z' : undefined)}
      aria-invalid={!!error}
      inputMode={field.type === 'Number' ? 'decimal' : undefined}
      onInput={(e) => {
        setText(e.currentTarget.value);
        setError(null);
      }}
      onKeyDown={onKeyDown}
      onBlur={() => (error || cancelled.current ? onCancel() : void commit(text))}
      data-testid="cell-editor"
    />
  );
}
