/**
 * Users and roles: the users (search, a user's object and sessions with revoke, "browse as"
 * with its audit warning) and the roles (create, delete, users and child roles attached and
 * detached by id). Route: /users/<userId> or /users/roles.
 *
 * data-testid: users-tab-users, users-tab-roles, users-search, users-search-go, users-table, user-row-<id>,
 * users-more, user-detail, user-json, user-open-data, browse-as, browse-as-warning, browse-as-confirm,
 * sessions-table, session-row-<id>, session-revoke-<id>(-confirm), roles-list, role-item-<name>,
 * role-new-name, role-create, role-detail, role-delete(-confirm), role-users, role-roles,
 * role-users-row-<id>, role-users-detach-<id>, role-users-attach-ids, role-users-attach (same for role-roles-*)
 */
import { navigate, type ScreenProps } from '../../api/index.ts';
import '../../widgets/widgets.css';
import { Roles } from './roles.tsx';
import { UserDetail } from './user-detail.tsx';
import { UserList } from './user-list.tsx';

export default function UsersScreen({ session, args }: ScreenProps) {
  const onRoles = args[0] === 'roles';
  const userId = onRoles ? undefined : args[0];
  return (
    <div class="screen">
      <div class="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={!onRoles}
          class={onRoles ? '' : 'active'}
          data-testid="users-tab-users"
          onClick={() => navigate('/users')}
        >
          Users
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={onRoles}
          class={onRoles ? 'active' : ''}
          data-testid="users-tab-roles"
          onClick={() => navigate('/users/roles')}
        >
          Roles
        </button>
      </div>
      {onRoles ? (
        <Roles session={session} />
      ) : (
        <div class="split wide-left">
          <UserList selected={userId} onSelect={(id) => navigate(`/users/${encodeURIComponent(id)}`)} />
          {userId ? <UserDetail key={userId} userId={userId} session={session} /> : <p class="muted">Pick a user to see their sessions.</p>}
        </div>
      )}
    </div>
  );
}
