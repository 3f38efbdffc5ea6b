import { useState } from 'preact/hooks';
import { type Session, toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { messageOf, useLoad } from '../../widgets/use-load.ts';
import { type ObjectPage, OBJECTS, RELATED, type RestObject, text } from './types.ts';

/** Members of one relation of a role (`users` or `roles`): list, attach by id, detach. */
function Members({ role, field, canWrite }: { role: RestObject; field: 'users' | 'roles'; canWrite: boolean }) {
  const gql = useGql();
  const [ids, setIds] = useState('');
  const members = useLoad(
    () => gql<{ related: ObjectPage }>(RELATED, { className: '_Role', objectId: role.objectId, field }).then((d) => d.related.objects),
    [role.objectId, field],
  );
  const change = async (mutation: 'addRelation' | 'removeRelation', targetIds: string[]) => {
    try {
      await gql(
        `mutation($id: ID!, $field: String!, $targets: [ID!]!) { ${mutation}(className: "_Role", objectId: $id, field: $field, targetIds: $targets) }`,
        {
          id: role.objectId,
          field,
          targets: targetIds,
        },
      );
      toast(mutation === 'addRelation' ? 'Attached' : 'Detached');
      await members.reload();
    } catch (e) {
      toast(messageOf(e), 'error');
    }
  };
  return (
    <div class="panel" data-testid={`role-${field}`}>
      <h3>{field === 'users' ? 'Users in this role' : 'Child roles (their members hold this role too)'}</h3>
      {members.error && <p class="form-error">{members.error}</p>}
      <table class="plain">
        <tbody>
          {(members.data ?? []).map((m) => (
            <tr key={m.objectId} data-testid={`role-${field}-row-${m.objectId}`}>
              <td class="mono">{m.objectId}</td>
              <td>{text(field === 'users' ? m.username : m.name)}</td>
              <td>
                {canWrite && (
                  <button type="button" class="small" data-testid={`role-${field}-detach-${m.objectId}`} onClick={() => change('removeRelation', [m.objectId])}>
                    Detach
                  </button>
                )}
              </td>
            </tr>
          ))}
          {members.data?.length === 0 && (
            <tr>
              <td class="muted">None.</td>
            </tr>
          )}
        </tbody>
      </table>
      {canWrite && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            const list = ids
              .split(/[\s,]+/)
              .map((s) => s.trim())
              .filter(Boolean);
            if (list.length) void change('addRelation', list).then(() => setIds(''));
          }}
        >
          <input
            value={ids}
            placeholder={field === 'users' ? 'user objectIds, comma-separated' : 'role objectIds, comma-separated'}
            aria-label={`Attach ${field} by id`}
            data-testid={`role-${field}-attach-ids`}
            onInput={(e) => setIds((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="small" data-testid={`role-${field}-attach`}>
            Attach
          </button>
        </form>
      )}
    </div>
  );
}

/** Roles: list, create (public-read ACL), delete, and their users and child roles. */
export function Roles({ session }: { session: Session }) {
  const gql = useGql();
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState('');
  const roles = useLoad(
    () => gql<{ objects: ObjectPage }>(OBJECTS, { className: '_Role', order: ['name_ASC'], first: 500 }).then((d) => d.objects.objects),
    [],
  );
  const role = roles.data?.find((r) => r.objectId === selected);
  const canWrite = session.canWrite;
  return (
    <div class="split">
      <div class="panel">
        {roles.error && <p class="form-error">{roles.error}</p>}
        <ul class="side-list" data-testid="roles-list">
          {(roles.data ?? []).map((r) => (
            <li key={r.objectId}>
              <button
                type="button"
                class={r.objectId === selected ? 'active' : ''}
                data-testid={`role-item-${text(r.name)}`}
                onClick={() => setSelected(r.objectId)}
              >
                {text(r.name)}
              </button>
            </li>
          ))}
          {roles.data?.length === 0 && <li class="muted">No roles yet.</li>}
        </ul>
        {canWrite && (
          <form
            class="row"
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await gql('mutation($fields: JSON!) { createObject(className: "_Role", fields: $fields) }', {
                  fields: { name: name.trim(), ACL: { '*': { read: true } } },
                });
                toast(`Role ${name.trim()} created`);
                setName('');
                await roles.reload();
              } catch (err) {
                toast(messageOf(err), 'error');
              }
            }}
          >
            <input
              value={name}
              required
              placeholder="Role name"
              aria-label="New role name"
              data-testid="role-new-name"
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="small primary" data-testid="role-create">
              Create role
            </button>
          </form>
        )}
      </div>
      {role ? (
        <div class="screen" data-testid="role-detail">
          <div class="toolbar">
            <h2>Role {text(role.name)}</h2>
            <span class="mono muted">{role.objectId}</span>
            <span class="spacer" />
            {canWrite && (
              <ConfirmButton
                testid="role-delete"
                onConfirm={async () => {
                  try {
                    await gql('mutation($ids: [ID!]!) { deleteObjects(className: "_Role", objectIds: $ids) }', { ids: [role.objectId] });
                    setSelected(null);
                    await roles.reload();
                  } catch (e) {
                    toast(messageOf(e), 'error');
                  }
                }}
              >
                Delete role
              </ConfirmButton>
            )}
          </div>
          <Members role={role} field="users" canWrite={canWrite} />
          <Members role={role} field="roles" canWrite={canWrite} />
        </div>
      ) : (
        <p class="muted">Pick a role.</p>
      )}
    </div>
  );
}
