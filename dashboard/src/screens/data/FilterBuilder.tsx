import { useMemo, useState } from 'preact/hooks';
import type { FieldInfo } from '../../grid/types.ts';
import { buildWhere, type FilterRow, OP_LABELS, operatorsFor, valueHint } from './filter.ts';

/**
 * The filter builder: field, operator (those the field's type takes in the public where input),
 * value; it shows the resulting `where` JSON and applies it to the grid.
 */
export function FilterBuilder({
  fields,
  filters,
  onApply,
  onClose,
}: {
  fields: FieldInfo[];
  filters: FilterRow[];
  onApply: (rows: FilterRow[]) => void;
  onClose: () => void;
}) {
  const [rows, setRows] = useState<FilterRow[]>(() => (filters.length ? filters : [blank(fields)]));
  const byName = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields]);
  let where: string;
  let error: string | null = null;
  try {
    where = JSON.stringify(buildWhere(rows, fields) ?? {}, null, 1).replace(/\n\s*/g, ' ');
  } catch (e) {
    where = '';
    error = e instanceof Error ? e.message : String(e);
  }
  const set = (i: number, patch: Partial<FilterRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <form
      class="filter-builder"
      data-testid="filter-builder"
      onSubmit={(e) => {
        e.preventDefault();
        if (!error) onApply(rows);
      }}
    >
      {rows.map((row, i) => {
        const field = byName.get(row.field);
        const ops = field ? operatorsFor(field) : [];
        const boolValue = row.op === 'exists' || (field?.type === 'Boolean' && row.op !== 'exists');
        return (
          <div class="filter-row" key={i} data-testid={`filter-row-${i}`}>
            <select
              aria-label="Field"
              value={row.field}
              onChange={(e) => {
                const f = byName.get(e.currentTarget.value);
                const op = f ? operatorsFor(f)[0]! : 'equalTo';
                set(i, { field: e.currentTarget.value, op, value: op === 'exists' ? 'true' : '' });
              }}
              data-testid={`filter-field-${i}`}
            >
              {fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
            <select
              aria-label="Operator"
              value={row.op}
              onChange={(e) => {
                const op = e.currentTarget.value;
                set(i, { op, value: op === 'exists' ? 'true' : row.op === 'exists' ? '' : row.value });
              }}
              data-testid={`filter-op-${i}`}
            >
              {ops.map((op) => (
                <option key={op} value={op}>
                  {OP_LABELS[op] ?? op}
                </option>
              ))}
            </select>
            {field?.type === 'Object' && row.op !== 'exists' && (
              <input aria-label="Key" placeholder="key.path" value={row.key ?? ''} onInput={(e) => set(i, { key: e.currentTarget.value })} class="filter-key" />
            )}
            {boolValue ? (
              <select
                aria-label="Value"
                value={row.value || 'true'}
                onChange={(e) => set(i, { value: e.currentTarget.value })}
                data-testid={`filter-value-${i}`}
              >
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                aria-label="Value"
                class="filter-value"
                placeholder={valueHint(field, row.op)}
                value={row.value}
                onInput={(e) => set(i, { value: e.currentTarget.value })}
                data-testid={`filter-value-${i}`}
              />
            )}
            <button type="button" class="icon-button" aria-label="Remove this filter" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        );
      })}
      <div class="filter-foot">
        <button type="button" class="small" onClick={() => setRows([...rows, blank(fields)])} data-testid="filter-add">
          + Filter
        </button>
        <code class={`filter-where${error ? ' invalid' : ''}`} data-testid="filter-where">
          {error ?? `where: ${where}`}
        </code>
        <div class="spacer" />
        <button
          type="button"
          class="small"
          onClick={() => {
            setRows([]);
            onApply([]);
          }}
          data-testid="filter-clear"
        >
          Clear
        </button>
        <button type="button" class="small" onClick={onClose}>
          Close
        </button>
        <button type="submit" class="small primary" disabled={!!error} data-testid="filter-apply">
          Apply
        </button>
      </div>
    </form>
  );
}

function blank(fields: FieldInfo[]): FilterRow {
  const f = fields.find((x) => x.name !== 'objectId' && x.type === 'String') ?? fields[0];
  const op = f ? operatorsFor(f)[0]! : 'equalTo';
  return { field: f?.name ?? 'objectId', op, value: op === 'exists' ? 'true' : '' };
}
