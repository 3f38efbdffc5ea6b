import { useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog.tsx';
import type { Obj } from '../../grid/types.ts';

type Perm = { read: boolean; write: boolean };
interface Entry extends Perm {
  who: string;
}

/** Parse's ACL JSON ({"*": {...}, "<userId>": {...}, "role:<name>": {...}}) as editable entries. */
function entriesOf(acl: unknown): { pub: Perm; entries: Entry[] } {
  // No stored ACL reads as public read and write.
  if (!acl || typeof acl !== 'object') return { pub: { read: true, write: true }, entries: [] };
  const map = acl as Record<string, { read?: boolean; write?: boolean }>;
  const pub = { read: !!map['*']?.read, write: !!map['*']?.write };
  const entries = Object.entries(map)
    .filter(([who]) => who !== '*')
    .map(([who, p]) => ({ who, read: !!p.read, write: !!p.write }));
  return { pub, entries };
}

/** The per-row ACL editor: public read/write, then one line per user id or role. */
export function AclDialog({
  obj,
  readOnly,
  onSave,
  onClose,
}: {
  obj: Obj;
  readOnly: boolean;
  onSave: (acl: Record<string, Partial<Perm>>) => Promise<void>;
  onClose: () => void;
}) {
  const initial = entriesOf(obj.ACL);
  const [pub, setPub] = useState(initial.pub);
  const [entries, setEntries] = useState(initial.entries);
  const [kind, setKind] = useState<'user' | 'role'>('user');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = () => {
    const id = name.trim();
    if (!id) return;
    const who = kind === 'role' ? `role:${id.replace(/^role:/, '')}` : id;
    if (entries.some((e) => e.who === who)) return setError(`${who} is already listed`);
    setEntries([...entries, { who, read: true, write: false }]);
    setName('');
    setError(null);
  };

  const save = async () => {
    const acl: Record<string, Partial<Perm>> = {};
    const put = (who: string, p: Perm) => {
      if (p.read || p.write) acl[who] = { ...(p.read ? { read: true } : {}), ...(p.write ? { write: true } : {}) };
    };
    put('*', pub);
    for (const e of entries) put(e.who, e);
    setBusy(true);
    try {
      await onSave(acl);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const row = (label: string, p: Perm, set: (p: Perm) => void, remove?: () => void, testid?: string) => (
    <tr data-testid={testid}>
      <td>{label}</td>
      <td>
        <input type="checkbox" aria-label={`${label} read`} disabled={readOnly} checked={p.read} onChange={() => set({ ...p, read: !p.read })} />
      </td>
      <td>
        <input type="checkbox" aria-label={`${label} write`} disabled={readOnly} checked={p.write} onChange={() => set({ ...p, write: !p.write })} />
      </td>
      <td>
        {remove && !readOnly && (
          <button type="button" class="icon-button" aria-label={`Remove ${label}`} onClick={remove}>
            ×
          </button>
        )}
      </td>
    </tr>
  );

  return (
    <Dialog
      title={`ACL of ${obj.objectId}`}
      onClose={onClose}
      testid="acl-dialog"
      actions={
        <>
          <button type="button" onClick={onClose}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
          {!readOnly && (
            <button type="button" class="primary" disabled={busy} onClick={save} data-testid="acl-save">
              Save
            </button>
          )}
        </>
      }
    >
      <table class="plain acl-table">
        <thead>
          <tr>
            <th>Who</th>
            <th>Read</th>
            <th>Write</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {row('Public', pub, setPub, undefined, 'acl-public')}
          {entries.map((e, i) =>
            row(
              e.who.startsWith('role:') ? `Role ${e.who.slice(5)}` : `User ${e.who}`,
              e,
              (p) => setEntries(entries.map((x, j) => (j === i ? { ...x, ...p } : x))),
              () => setEntries(entries.filter((_, j) => j !== i)),
              `acl-entry-${e.who}`,
            ),
          )}
        </tbody>
      </table>
      {!readOnly && (
        <div class="inline-form">
          <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'user' | 'role')}>
            <option value="user">User id</option>
            <option value="role">Role name</option>
          </select>
          <input
            aria-label="User id or role name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())}
            data-testid="acl-new"
          />
          <button type="button" onClick={add} data-testid="acl-add">
            Add
          </button>
        </div>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
