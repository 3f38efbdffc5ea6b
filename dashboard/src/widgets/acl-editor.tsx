import { useState } from 'preact/hooks';

/**
 * data-testid: acl-editor, acl-public-read, acl-public-write, acl-row-<key>, acl-read-<key>,
 * acl-write-<key>, acl-remove-<key>, acl-new-entry, acl-add
 */

/** Parse's ACL JSON: `*`, a user's objectId or `role:<name>` → its rights. */
export type AclJson = Record<string, { read?: boolean; write?: boolean }>;

/** Parse's default for an object without an ACL: anyone may read and write. */
export const OPEN_ACL: AclJson = { '*': { read: true, write: true } };

function set(acl: AclJson, key: string, right: 'read' | 'write', on: boolean): AclJson {
  const entry = { ...acl[key], [right]: on };
  const next = { ...acl };
  if (!entry.read && !entry.write) delete next[key];
  else next[key] = Object.fromEntries(Object.entries(entry).filter(([, v]) => v)) as AclJson[string];
  return next;
}

/**
 * The per-row ACL editor: public read/write, and one row per user id or role with its read and
 * write rights. `value` null means no ACL (public read and write); changes are answered whole
 * through `onChange` (Parse replaces an ACL whole). Shared with the data browser.
 */
export function AclEditor(props: { value: AclJson | null | undefined; onChange: (acl: AclJson) => void; disabled?: boolean }) {
  const acl = props.value ?? OPEN_ACL;
  const [entry, setEntry] = useState('');
  const [kind, setKind] = useState<'user' | 'role'>('user');
  const keys = Object.keys(acl)
    .filter((k) => k !== '*')
    .sort();
  const add = () => {
    const name = entry.trim();
    if (!name) return;
    const key = kind === 'role' ? `role:${name.replace(/^role:/, '')}` : name;
    if (!acl[key]) props.onChange({ ...acl, [key]: { read: true } });
    setEntry('');
  };
  const box = (key: string, right: 'read' | 'write', testid: string) => (
    <input
      type="checkbox"
      aria-label={`${right} for ${key === '*' ? 'public' : key}`}
      checked={!!acl[key]?.[right]}
      disabled={props.disabled}
      data-testid={testid}
      onChange={(e) => props.onChange(set(acl, key, right, (e.target as HTMLInputElement).checked))}
    />
  );
  return (
    <div class="acl-editor" data-testid="acl-editor">
      {!props.value && <p class="muted">No ACL set: anyone may read and write.</p>}
      <table class="plain">
        <thead>
          <tr>
            <th>Who</th>
            <th>Read</th>
            <th>Write</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Public (everyone)</td>
            <td>{box('*', 'read', 'acl-public-read')}</td>
            <td>{box('*', 'write', 'acl-public-write')}</td>
            <td />
          </tr>
          {keys.map((key) => (
            <tr key={key} data-testid={`acl-row-${key}`}>
              <td>
                <span class="badge">{key.startsWith('role:') ? 'role' : 'user'}</span> <span class="mono">{key.replace(/^role:/, '')}</span>
              </td>
              <td>{box(key, 'read', `acl-read-${key}`)}</td>
              <td>{box(key, 'write', `acl-write-${key}`)}</td>
              <td>
                <button
                  type="button"
                  class="small ghost"
                  disabled={props.disabled}
                  data-testid={`acl-remove-${key}`}
                  onClick={() => {
                    const next = { ...acl };
                    delete next[key];
                    props.onChange(next);
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!props.disabled && (
        <div class="row">
          <select value={kind} aria-label="Entry kind" onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'user' | 'role')}>
            <option value="user">User id</option>
            <option value="role">Role name</option>
          </select>
          <input
            value={entry}
            placeholder={kind === 'role' ? 'Role name' : 'User objectId'}
            aria-label="User id or role name"
            data-testid="acl-new-entry"
            onInput={(e) => setEntry((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())}
          />
          <button type="button" class="small" data-testid="acl-add" onClick={add}>
            Add
          </button>
        </div>
      )}
    </div>
  );
}
