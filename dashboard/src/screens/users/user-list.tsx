import { useEffect, useState } from 'preact/hooks';
import { useGql } from '../../api/index.ts';
import { messageOf } from '../../widgets/use-load.ts';
import { type ObjectPage, OBJECTS, type RestObject, text } from './types.ts';
import { Time } from '../../widgets/time.tsx';

/** The users, newest first, filtered by username or email prefix, paged with "more". */
export function UserList({ selected, onSelect }: { selected: string | undefined; onSelect: (id: string) => void }) {
  const gql = useGql();
  const [search, setSearch] = useState('');
  const [users, setUsers] = useState<RestObject[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (after: string | null, term: string) => {
    try {
      const where = term.trim()
        ? { OR: [{ username: { matchesRegex: `^${term.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } }, { objectId: { equalTo: term.trim() } }] }
        : undefined;
      const page = (await gql<{ objects: ObjectPage }>(OBJECTS, { className: '_User', where, order: ['createdAt_DESC'], first: 50, after })).objects;
      setUsers((old) => (after && old ? [...old, ...page.objects] : page.objects));
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    void load(null, '');
  }, []);
  return (
    <div class="panel">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null, search);
        }}
      >
        <input
          value={search}
          placeholder="username or objectId"
          aria-label="Find users"
          data-testid="users-search"
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="small" data-testid="users-search-go">
          Find
        </button>
      </form>
      {error && <p class="form-error">{error}</p>}
      <table class="plain" data-testid="users-table">
        <thead>
          <tr>
            <th>objectId</th>
            <th>username</th>
            <th>email</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {(users ?? []).map((u) => (
            <tr
              key={u.objectId}
              class={`clickable${u.objectId === selected ? ' selected' : ''}`}
              data-testid={`user-row-${u.objectId}`}
              tabIndex={0}
              onClick={() => onSelect(u.objectId)}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(u.objectId)}
            >
              <td class="mono">{u.objectId}</td>
              <td>{text(u.username)}</td>
              <td>{text(u.email)}</td>
              <td>
                <Time value={u.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" class="small" data-testid="users-more" onClick={() => load(next, search)}>
          More
        </button>
      )}
    </div>
  );
}
