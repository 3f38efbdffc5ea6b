import { type ColumnDef, columnOrderingFeature, columnSizingFeature, columnVisibilityFeature, constructTable, tableFeatures } from '@tanstack/table-core';
import { storeReactivityBindings } from '@tanstack/table-core/store-reactivity-bindings';
import type { FieldInfo, Obj } from './types.ts';

/** The column layout of a grid: what a saved view and the local fallback store. */
export interface ColumnLayout {
  visibility: Record<string, boolean>;
  order: string[];
  sizing: Record<string, number>;
}

export const emptyLayout = (): ColumnLayout => ({ visibility: {}, order: [], sizing: {} });

export interface GridColumn {
  id: string;
  field: FieldInfo;
  size: number;
  /** Left offset (px) within the data columns. */
  start: number;
}

const features = tableFeatures({
  coreReactivityFeature: storeReactivityBindings(),
  columnVisibilityFeature,
  columnOrderingFeature,
  columnSizingFeature,
});

function defaultSize(field: FieldInfo): number {
  if (field.name === 'objectId') return 120;
  switch (field.type) {
    case 'Boolean':
      return 110;
    case 'Number':
      return 110;
    case 'Date':
      return 200;
    case 'Pointer':
    case 'Relation':
      return 150;
    case 'Object':
    case 'Array':
      return 220;
    default:
      return 180;
  }
}

/**
 * The visible columns in order with their sizes, resolved by table-core's column model from the
 * layout (visibility, order, sizing). Rows are not handed to table-core: the grid virtualises them
 * itself, so only the column state goes through the model.
 */
export function resolveColumns(fields: FieldInfo[], layout: ColumnLayout): { columns: GridColumn[]; totalSize: number } {
  const byId = new Map(fields.map((f) => [f.name, f]));
  const defs = fields.map(
    (f) =>
      ({ id: f.name, header: f.name, accessorFn: (row: Obj) => row[f.name], size: defaultSize(f), minSize: 60, maxSize: 900 }) as ColumnDef<
        typeof features,
        Obj
      >,
  );
  // Columns added to the class after the layout was saved go at the end, not first.
  const known = layout.order.filter((id) => byId.has(id));
  const order = [...known, ...fields.map((f) => f.name).filter((id) => !known.includes(id))];
  const table = constructTable<typeof features, Obj>({
    features,
    data: [],
    columns: defs,
    state: { columnVisibility: layout.visibility, columnOrder: order, columnSizing: layout.sizing },
  });
  const columns = table.getVisibleLeafColumns().map((c) => ({ id: c.id, field: byId.get(c.id)!, size: c.getSize(), start: c.getStart() }));
  return { columns, totalSize: table.getTotalSize() };
}

/** Moves a column before another (drag and drop) or by one place (buttons); answers the new order. */
export function moveColumn(order: string[], allIds: string[], id: string, to: number): string[] {
  const full = [...order.filter((x) => allIds.includes(x)), ...allIds.filter((x) => !order.includes(x))];
  const from = full.indexOf(id);
  if (from < 0) return full;
  full.splice(from, 1);
  full.splice(Math.max(0, Math.min(full.length, to)), 0, id);
  return full;
}
