import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { messageOf } from '../../widgets/use-load.ts';
import { type ClassInfo, UPDATE_CLASS } from './types.ts';

/** A class's indexes (Parse's `{name: {field: 1 | -1}}`): list, add on one field, delete. */
export function Indexes({ cls, canWrite, onDone }: { cls: ClassInfo; canWrite: boolean; onDone: () => void }) {
  const gql = useGql();
  const [field, setField] = useState('');
  const [direction, setDirection] = useState('1');
  const [name, setName] = useState('');
  const indexes = Object.entries(cls.indexes ?? {});
  const save = async (change: Record<string, unknown>, done: string) => {
    try {
      await gql(UPDATE_CLASS, { className: cls.className, indexes: change });
      toast(done);
      onDone();
    } catch (e) {
      toast(messageOf(e), 'error');
    }
  };
  return (
    <div class="panel" data-testid="indexes">
      <h3>Indexes</h3>
      <table class="plain">
        <thead>
          <tr>
            <th>Name</th>
            <th>Keys</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {indexes.map(([indexName, keys]) => (
            <tr key={indexName} data-testid={`index-row-${indexName}`}>
              <td class="mono">{indexName}</td>
              <td class="mono">{JSON.stringify(keys)}</td>
              <td>
                {canWrite && indexName !== '_id_' && (
                  <ConfirmButton testid={`index-delete-${indexName}`} onConfirm={() => save({ [indexName]: { __op: 'Delete' } }, `Index ${indexName} deleted`)}>
                    Delete
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
          {indexes.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                No indexes beyond the built-in ones.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {canWrite && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!field) return;
            const indexName = name.trim() || `${field}_${direction === '1' ? 'asc' : 'desc'}`;
            void save({ [indexName]: { [field]: Number(direction) } }, `Index ${indexName} added`);
            setName('');
          }}
        >
          <select value={field} aria-label="Field" data-testid="index-field" onChange={(e) => setField((e.target as HTMLSelectElement).value)}>
            <option value="">Field…</option>
            {cls.fields
              .filter((f) => f.type !== 'Relation')
              .map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
          </select>
          <select value={direction} aria-label="Direction" data-testid="index-direction" onChange={(e) => setDirection((e.target as HTMLSelectElement).value)}>
            <option value="1">ascending</option>
            <option value="-1">descending</option>
          </select>
          <input
            value={name}
            placeholder="name (optional)"
            aria-label="Index name"
            data-testid="index-name"
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="small" disabled={!field} data-testid="index-add">
            Add index
          </button>
        </form>
      )}
    </div>
  );
}
