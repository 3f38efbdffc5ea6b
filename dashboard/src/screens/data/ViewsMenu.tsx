import { useEffect, useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import { toast } from '../../api/toast.ts';
import type { ColumnLayout } from '../../grid/columns.ts';
import type { FilterRow } from './filter.ts';
import { DELETE_VIEW, SAVE_VIEW, VIEWS } from './queries.ts';

/** What a saved view holds: the filter lines, the sort and the column layout. */
export interface ViewState {
  filters: FilterRow[];
  order: string[];
  columns: ColumnLayout;
}

interface SavedView {
  id: string;
  name: string;
  state: ViewState;
}

/** Saved views of a class, stored on the server per dashboard user (views / saveView / deleteView). */
export function ViewsMenu({ className, current, onApply }: { className: string; current: () => ViewState; onApply: (s: ViewState) => void }) {
  const gql = useGql();
  const [views, setViews] = useState<SavedView[]>([]);
  const [selected, setSelected] = useState('');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');

  const load = () =>
    gql<{ views: SavedView[] }>(VIEWS, { className })
      .then((d) => setViews(d.views))
      .catch((e: Error) => toast(`Saved views: ${e.message}`, 'error'));
  useEffect(() => {
    setSelected('');
    void load();
  }, [className]);

  const save = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    try {
      const d = await gql<{ saveView: SavedView }>(SAVE_VIEW, { className, name: n, state: current() });
      setNaming(false);
      setName('');
      await load();
      setSelected(d.saveView.id);
      toast(`View "${n}" saved`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  };

  const remove = async () => {
    const v = views.find((x) => x.id === selected);
    if (!v) return;
    try {
      await gql(DELETE_VIEW, { id: v.id });
      setSelected('');
      await load();
      toast(`View "${v.name}" deleted`);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  };

  if (naming)
    return (
      <form class="inline-form" onSubmit={save}>
        <input placeholder="View name" aria-label="View name" value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="view-name" />
        <button type="submit" class="small primary" data-testid="view-save-confirm">
          Save
        </button>
        <button type="button" class="small" onClick={() => setNaming(false)}>
          Cancel
        </button>
      </form>
    );
  return (
    <div class="inline-form">
      <select
        aria-label="Saved view"
        value={selected}
        onChange={(e) => {
          const id = e.currentTarget.value;
          setSelected(id);
          const v = views.find((x) => x.id === id);
          if (v) onApply({ filters: v.state.filters ?? [], order: v.state.order ?? [], columns: v.state.columns ?? { visibility: {}, order: [], sizing: {} } });
        }}
        data-testid="views-select"
      >
        <option value="">{views.length ? 'Saved views…' : 'No saved view'}</option>
        {views.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
      <button type="button" class="small" onClick={() => setNaming(true)} data-testid="view-save">
        Save view
      </button>
      {selected && (
        <button type="button" class="small" onClick={remove} data-testid="view-delete">
          Delete view
        </button>
      )}
    </div>
  );
}
