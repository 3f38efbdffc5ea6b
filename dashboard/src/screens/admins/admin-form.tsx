import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { Dialog } from '../../widgets/dialog.tsx';
import { messageOf } from '../../widgets/use-load.ts';
import { ScopeEditor, type ScopeInput } from './scope-editor.tsx';

export type AdminRole = 'OWNER' | 'ADMIN' | 'READ_ONLY' | 'SCOPED';
export interface AdminUser {
  id: string;
  email: string;
  role: AdminRole;
  scope: ScopeInput | null;
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export const ROLES: { value: AdminRole; label: string }[] = [
  { value: 'OWNER', label: 'Owner (everything, manages admins, reads the audit trail)' },
  { value: 'ADMIN', label: 'Admin (every screen but admins and audit)' },
  { value: 'READ_ONLY', label: 'Read-only (sees, changes nothing)' },
  { value: 'SCOPED', label: 'Scoped (chosen classes and features)' },
];

/** Creating an admin (email, password, role, scope) or editing one's role and scope. */
export function AdminForm({
  editing,
  classNames,
  onClose,
  onSaved,
}: {
  editing: AdminUser | null;
  classNames: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const gql = useGql();
  const [email, setEmail] = useState(editing?.email ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<AdminRole>(editing?.role ?? 'ADMIN');
  const [scope, setScope] = useState<ScopeInput>({
    classes: (editing?.scope?.classes ?? []).map((c) => ({ className: c.className, fields: c.fields ?? null, write: c.write })),
    features: editing?.scope?.features ?? ['data'],
  });
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const scopeInput = role === 'SCOPED' ? scope : null;
      if (editing) {
        await gql('mutation($id: ID!, $role: AdminRole, $scope: AdminScopeInput) { updateAdminUser(id: $id, role: $role, scope: $scope) { id } }', {
          id: editing.id,
          role,
          scope: scopeInput,
        });
        toast(`${editing.email} updated`);
      } else {
        await gql(
          'mutation($email: String!, $password: String!, $role: AdminRole!, $scope: AdminScopeInput) { createAdminUser(email: $email, password: $password, role: $role, scope: $scope) { id } }',
          { email: email.trim(), password, role, scope: scopeInput },
        );
        toast(`${email.trim()} created`);
      }
      onSaved();
    } catch (e) {
      toast(messageOf(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={editing ? `Edit ${editing.email}` : 'New dashboard user'}
      onClose={onClose}
      testid="admin-form"
      closeLabel="Cancel"
      actions={
        <button type="button" class="primary" disabled={busy || (!editing && (!email.trim() || !password))} data-testid="admin-save" onClick={save}>
          {editing ? 'Save' : 'Create'}
        </button>
      }
    >
      <div class="form-grid">
        {!editing && (
          <>
            <label for="admin-email">Email</label>
            <input
              id="admin-email"
              type="email"
              value={email}
              autocomplete="off"
              data-testid="admin-email"
              onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
            />
            <label for="admin-password">Password</label>
            <input
              id="admin-password"
              type="password"
              value={password}
              autocomplete="new-password"
              data-testid="admin-password"
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          </>
        )}
        <label for="admin-role">Role</label>
        <select id="admin-role" value={role} data-testid="admin-role" onChange={(e) => setRole((e.target as HTMLSelectElement).value as AdminRole)}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      {role === 'SCOPED' && <ScopeEditor value={scope} onChange={setScope} classNames={classNames} />}
    </Dialog>
  );
}
