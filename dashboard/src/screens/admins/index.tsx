/**
 * Dashboard users (owners only): create with a role (and for scoped ones their classes, field
 * lists, write flags and features), edit role and scope, disable / enable, reset the password,
 * delete. Route: /admins.
 *
 * data-testid: admins-new, admins-table, admin-row-<email>, admin-edit-<email>, admin-toggle-<email>,
 * admin-reset-<email>, admin-delete-<email>(-confirm), admin-form, admin-email, admin-password, admin-role,
 * admin-save, admin-form-close, scope-editor, scope-feature-<f>, scope-class-new, scope-class-add,
 * scope-class-<name>, scope-fields-<name>, scope-write-<name>, reset-dialog, reset-password, reset-save
 */
import { useState } from 'preact/hooks';
import { type ScreenProps, toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { Dialog } from '../../widgets/dialog.tsx';
import { messageOf, useLoad } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { AdminForm, type AdminUser } from './admin-form.tsx';

const ADMINS = '{ adminUsers { id email role disabled totpEnabled createdAt lastLoginAt scope { features classes { className fields write } } } }';

function scopeText(a: AdminUser): string {
  if (a.role !== 'SCOPED' || !a.scope) return '';
  const classes = a.scope.classes.map((c) => `${c.className}${c.fields?.length ? `(${c.fields.join(',')})` : ''}${c.write ? ' rw' : ' r'}`);
  return `${classes.join('; ')} — ${a.scope.features.join(', ')}`;
}

export default function AdminsScreen({ session }: ScreenProps) {
  const gql = useGql();
  const admins = useLoad(() => gql<{ adminUsers: AdminUser[] }>(ADMINS).then((d) => d.adminUsers), []);
  const classes = useLoad(() => gql<{ classes: { className: string }[] }>('{ classes { className } }').then((d) => d.classes.map((c) => c.className)), []);
  const [form, setForm] = useState<{ editing: AdminUser | null } | null>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const [password, setPassword] = useState('');
  const update = async (id: string, vars: Record<string, unknown>, done: string) => {
    try {
      await gql('mutation($id: ID!, $disabled: Boolean, $password: String) { updateAdminUser(id: $id, disabled: $disabled, password: $password) { id } }', {
        id,
        ...vars,
      });
      toast(done);
      await admins.reload();
      return true;
    } catch (e) {
      toast(messageOf(e), 'error');
      return false;
    }
  };
  return (
    <div class="screen">
      <div class="toolbar">
        <span class="muted">Who may sign in to this dashboard. Disabling or deleting someone ends their open sessions at once.</span>
        <span class="spacer" />
        <button type="button" class="primary" data-testid="admins-new" onClick={() => setForm({ editing: null })}>
          New dashboard user
        </button>
      </div>
      {admins.error && <p class="form-error">{admins.error}</p>}
      <table class="plain" data-testid="admins-table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Role</th>
            <th>Scope</th>
            <th>TOTP</th>
            <th>Last sign-in</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(admins.data ?? []).map((a) => {
            const self = a.id === session.user.id;
            return (
              <tr key={a.id} data-testid={`admin-row-${a.email}`}>
                <td>
                  {a.email}
                  {self && <span class="badge">you</span>}
                </td>
                <td>{a.role}</td>
                <td class="wrap">{scopeText(a)}</td>
                <td>{a.totpEnabled ? 'on' : ''}</td>
                <td>{a.lastLoginAt ?? 'never'}</td>
                <td>{a.disabled ? <span class="badge status-failed">disabled</span> : <span class="badge status-ok">active</span>}</td>
                <td>
                  <span class="row">
                    <button type="button" class="small" data-testid={`admin-edit-${a.email}`} onClick={() => setForm({ editing: a })}>
                      Edit
                    </button>
                    <button type="button" class="small" data-testid={`admin-reset-${a.email}`} onClick={() => (setPassword(''), setResetting(a))}>
                      Reset password
                    </button>
                    {!self && (
                      <button
                        type="button"
                        class="small"
                        data-testid={`admin-toggle-${a.email}`}
                        onClick={() => update(a.id, { disabled: !a.disabled }, `${a.email} ${a.disabled ? 'enabled' : 'disabled'}`)}
                      >
                        {a.disabled ? 'Enable' : 'Disable'}
                      </button>
                    )}
                    {!self && (
                      <ConfirmButton
                        testid={`admin-delete-${a.email}`}
                        onConfirm={async () => {
                          try {
                            await gql('mutation($id: ID!) { deleteAdminUser(id: $id) }', { id: a.id });
                            toast(`${a.email} deleted`);
                            await admins.reload();
                          } catch (e) {
                            toast(messageOf(e), 'error');
                          }
                        }}
                      >
                        Delete
                      </ConfirmButton>
                    )}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {form && (
        <AdminForm
          editing={form.editing}
          classNames={classes.data ?? []}
          onClose={() => setForm(null)}
          onSaved={() => {
            setForm(null);
            void admins.reload();
          }}
        />
      )}
      {resetting && (
        <Dialog
          title={`New password for ${resetting.email}`}
          onClose={() => setResetting(null)}
          testid="reset-dialog"
          closeLabel="Cancel"
          actions={
            <button
              type="button"
              class="primary"
              disabled={!password}
              data-testid="reset-save"
              onClick={async () => {
                if (await update(resetting.id, { password }, `Password of ${resetting.email} changed`)) setResetting(null);
              }}
            >
              Set password
            </button>
          }
        >
          <input
            type="password"
            value={password}
            autocomplete="new-password"
            aria-label="New password"
            data-testid="reset-password"
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </Dialog>
      )}
    </div>
  );
}
