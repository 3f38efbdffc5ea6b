import { useEffect, useMemo, useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import { navigate, routePath } from '../../api/router.ts';
import { csrfToken, type Session } from '../../api/session.ts';
import { toast } from '../../api/toast.ts';
import { ConfirmDialog } from '../../app/Dialog.tsx';
import { type ColumnLayout, moveColumn, resolveColumns } from '../../grid/columns.ts';
import { Grid } from '../../grid/Grid.tsx';
import { RowStore } from '../../grid/pager.ts';
import { classColumns, type ClassInfo, type FieldInfo, type Obj } from '../../grid/types.ts';
import { UNSET } from '../../grid/values.ts';
import { AclDialog } from './AclDialog.tsx';
import { AddRowDialog } from './AddRowDialog.tsx';
import { setCount, useKnownCount } from './ClassList.tsx';
import { ColumnsMenu } from './ColumnsMenu.tsx';
import { FilterBuilder } from './FilterBuilder.tsx';
import { buildWhere, type FilterRow } from './filter.ts';
import { ImportDialog } from './ImportDialog.tsx';
import { IndexHint } from './IndexHint.tsx';
import { loadLayout, saveLayout } from './layout.ts';
import { CLONE, COUNT, DELETE, OBJECTS, UPDATE } from './queries.ts';
import { RelationDialog } from './RelationDialog.tsx';
import { useLiveGrid } from './useLiveGrid.ts';
import { ValueDialog } from './ValueDialog.tsx';
import { ViewsMenu } from './ViewsMenu.tsx';

type Open = { kind: 'value' | 'acl' | 'relation'; obj: Obj; field: FieldInfo } | { kind: 'add' | 'import' | 'delete' } | null;

function safeWhere(filters: FilterRow[], fields: FieldInfo[]): Record<string, unknown> | null {
  try {
    return buildWhere(filters, fields);
  } catch {
    return null;
  }
}

/** One class open in the data browser: toolbar, filter builder, the live grid and its dialogs. */
export function ClassView({ cls, classes, session, objectId }: { cls: ClassInfo; classes: ClassInfo[]; session: Session; objectId?: string }) {
  const gql = useGql();
  const className = cls.className;
  const fields = useMemo(() => classColumns(cls), [cls]);
  const editable = session.canWrite && cls.writable;

  const [filters, setFilters] = useState<FilterRow[]>(() => (objectId ? [{ field: 'objectId', op: 'equalTo', value: objectId }] : []));
  const [order, setOrder] = useState<string[]>([]);
  const [layout, setLayout] = useState<ColumnLayout>(() => loadLayout(className));
  const [showFilter, setShowFilter] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<Open>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState(false);

  // A pointer followed to this class: show that object.
  useEffect(() => {
    if (objectId) setFilters([{ field: 'objectId', op: 'equalTo', value: objectId }]);
  }, [objectId]);
  useEffect(() => saveLayout(className, layout), [className, layout]);

  const where = useMemo(() => safeWhere(filters, fields), [filters, fields]);
  const whereKey = JSON.stringify(where);
  const orderKey = order.join(',');

  const store = useMemo(
    () =>
      new RowStore((after, first) =>
        gql<{ objects: { objects: Obj[]; next: string | null } }>(OBJECTS, { className, where, order, first, after }).then((d) => d.objects),
      ),
    [className, whereKey, orderKey, reload],
  );
  useEffect(() => () => store.dispose(), [store]);
  useEffect(() => setSelected(new Set()), [store]);

  useEffect(() => {
    let live = true;
    setTotal(null);
    gql<{ count: number }>(COUNT, { className, where })
      .then((d) => {
        if (!live) return;
        setTotal(d.count);
        if (!where) setCount(className, d.count);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [className, whereKey, reload]);

  const liveStatus = useLiveGrid(store, className, where, !!where);
  // Unfiltered, the total follows the live grid's adjustments too.
  const knownCount = useKnownCount(className);
  const shownTotal = where ? total : (knownCount ?? total);
  const { columns, totalSize } = useMemo(() => resolveColumns(fields, layout), [fields, layout]);

  const save = async (obj: Obj, field: FieldInfo, value: unknown) => {
    const d = await gql<{ updateObject: Obj | null }>(UPDATE, { className, objectId: obj.objectId, fields: { [field.name]: value } });
    const next: Obj = { ...obj, [field.name]: value === UNSET ? undefined : value, ...(d.updateObject ?? {}) };
    store.update(next, false);
  };

  const onSort = (id: string) => {
    const cur = order[0];
    setOrder(cur === `${id}_ASC` ? [`${id}_DESC`] : cur === `${id}_DESC` ? [] : [`${id}_ASC`]);
  };

  const deleteSelected = async () => {
    setBusy(true);
    try {
      const ids = [...selected];
      const d = await gql<{ deleteObjects: string[] }>(DELETE, { className, objectIds: ids });
      for (const id of d.deleteObjects) store.remove(id);
      toast(`Deleted ${d.deleteObjects.length} object${d.deleteObjects.length === 1 ? '' : 's'}`);
      setSelected(new Set());
      setOpen(null);
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  const cloneSelected = async () => {
    const [id] = [...selected];
    if (!id) return;
    try {
      const d = await gql<{ cloneObject: Obj }>(CLONE, { className, objectId: id });
      store.insert(d.cloneObject);
      toast(`Cloned into ${d.cloneObject.objectId}`);
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  };

  const exportHref = (format: 'csv' | 'json') => {
    const q = new URLSearchParams({ className, format, csrf: csrfToken() });
    if (where) q.set('where', JSON.stringify(where));
    return `/dashboard/api/export?${q}`;
  };

  const closeDialog = () => {
    setOpen(null);
    // Back to the grid, so the keyboard carries on where it was.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid=grid]')?.focus({ preventScroll: true }));
  };

  const openObject = (target: string, id: string) => navigate(routePath('data', target, id));

  return (
    <div class="class-view">
      <div class="toolbar">
        <h2 class="class-title" data-testid="class-title">
          {className}
        </h2>
        <span class="muted" data-testid="class-total">
          {shownTotal == null ? '' : `${shownTotal.toLocaleString()} object${shownTotal === 1 ? '' : 's'}${where ? ' match' : ''}`}
        </span>
        {!editable && (
          <span class="badge" title={session.canWrite ? 'Your scope does not allow writing this class' : 'Read-only account'}>
            read-only
          </span>
        )}
        <span class={`live-dot ${liveStatus}`} title={liveStatus === 'live' ? 'Live: changes by others appear here' : 'Not live'} data-testid="live-status">
          {liveStatus === 'live' ? '● live' : liveStatus === 'error' ? '● not live' : ''}
        </span>
        <div class="spacer" />
        <button
          type="button"
          class={`small${filters.length ? ' on' : ''}`}
          aria-expanded={showFilter}
          onClick={() => setShowFilter(!showFilter)}
          data-testid="filter-button"
        >
          Filter{filters.length ? ` (${filters.length})` : ''}
        </button>
        <ViewsMenu
          className={className}
          current={() => ({ filters, order, columns: layout })}
          onApply={(v) => {
            setFilters(v.filters);
            setOrder(v.order);
            setLayout(v.columns);
          }}
        />
        <ColumnsMenu fields={fields} layout={layout} onChange={setLayout} />
        <button type="button" class="small" title="Reload" onClick={() => setReload((n) => n + 1)} data-testid="refresh">
          Refresh
        </button>
      </div>
      <IndexHint cls={cls} order={order} total={shownTotal} session={session} />
      <div class="toolbar secondary">
        {editable && (
          <>
            <button type="button" class="small" onClick={() => setOpen({ kind: 'add' })} data-testid="add-row">
              + Row
            </button>
            <button type="button" class="small" disabled={selected.size !== 1} onClick={cloneSelected} data-testid="clone-row">
              Clone
            </button>
            <button type="button" class="small danger" disabled={selected.size === 0} onClick={() => setOpen({ kind: 'delete' })} data-testid="delete-rows">
              Delete{selected.size ? ` (${selected.size})` : ''}
            </button>
          </>
        )}
        {!editable && selected.size > 0 && <span class="muted">{selected.size} selected</span>}
        <div class="spacer" />
        <a class="button small" href={exportHref('csv')} download={`${className}.csv`} data-testid="export-csv">
          Export CSV
        </a>
        <a class="button small" href={exportHref('json')} download={`${className}.json`} data-testid="export-json">
          Export JSON
        </a>
        {editable && (
          <button type="button" class="small" onClick={() => setOpen({ kind: 'import' })} data-testid="import">
            Import
          </button>
        )}
      </div>
      {showFilter && (
        <FilterBuilder
          key={JSON.stringify(filters)}
          fields={fields}
          filters={filters}
          onApply={(rows) => {
            setFilters(rows);
            if (objectId) navigate(routePath('data', className), true);
          }}
          onClose={() => setShowFilter(false)}
        />
      )}
      {!showFilter && where && (
        <div class="where-line">
          <code data-testid="where-json">where: {JSON.stringify(where)}</code>
          <button
            type="button"
            class="icon-button"
            aria-label="Clear the filter"
            onClick={() => {
              setFilters([]);
              if (objectId) navigate(routePath('data', className), true);
            }}
          >
            ×
          </button>
        </div>
      )}
      {store.error && (
        <div class="grid-error" role="alert">
          {store.error}
        </div>
      )}
      <Grid
        store={store}
        columns={columns}
        totalSize={totalSize}
        editable={editable}
        order={order}
        onSort={onSort}
        selected={selected}
        onSelectedChange={setSelected}
        onResize={(id, size) => setLayout((l) => ({ ...l, sizing: { ...l.sizing, [id]: size } }))}
        onMove={(id, beforeId) =>
          setLayout((l) => {
            const ids = fields.map((f) => f.name);
            const full = moveColumn(l.order, ids, '', 0);
            // Dropped on a column to its right: goes after it; to its left: before it.
            const rightward = full.indexOf(id) < full.indexOf(beforeId);
            const to = full.filter((x) => x !== id).indexOf(beforeId) + (rightward ? 1 : 0);
            return { ...l, order: moveColumn(full, ids, id, to) };
          })
        }
        onCommit={save}
        onOpenEditor={(obj, field) => setOpen({ kind: field.type === 'ACL' ? 'acl' : 'value', obj, field })}
        onOpenPointer={openObject}
        onOpenRelation={(obj, field) => setOpen({ kind: 'relation', obj, field })}
      />
      {store.count === 0 && !store.loading && total !== null && (
        <div class="grid-empty muted" data-testid="grid-empty">
          {where ? 'No object matches this filter.' : 'No object in this class yet.'}
        </div>
      )}
      {open?.kind === 'value' && (
        <ValueDialog obj={open.obj} field={open.field} readOnly={!editable} onSave={(v) => save(open.obj, open.field, v)} onClose={closeDialog} />
      )}
      {open?.kind === 'acl' && <AclDialog obj={open.obj} readOnly={!editable} onSave={(v) => save(open.obj, open.field, v)} onClose={closeDialog} />}
      {open?.kind === 'relation' && (
        <RelationDialog
          cls={cls}
          obj={open.obj}
          field={open.field}
          target={classes.find((c) => c.className === open.field.targetClass)}
          editable={editable}
          onOpenObject={(c, id) => {
            setOpen(null);
            openObject(c, id);
          }}
          onClose={closeDialog}
        />
      )}
      {open?.kind === 'add' && <AddRowDialog cls={cls} onCreated={(o) => store.insert(o)} onClose={closeDialog} />}
      {open?.kind === 'import' && (
        <ImportDialog
          className={className}
          onDone={(n) => {
            toast(`Imported ${n} object${n === 1 ? '' : 's'}`);
            setReload((r) => r + 1);
          }}
          onClose={closeDialog}
        />
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${selected.size} object${selected.size === 1 ? '' : 's'}?`}
          message={`This deletes ${selected.size} object${selected.size === 1 ? '' : 's'} of ${className} for good.`}
          confirmLabel="Delete"
          danger
          busy={busy}
          onConfirm={deleteSelected}
          onClose={closeDialog}
        />
      )}
    </div>
  );
}
