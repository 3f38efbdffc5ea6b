import { useState } from 'preact/hooks';
import { navigate, type Session, toast, useGql, useSession } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { JsonView } from '../../widgets/json-editor.tsx';
import { messageOf, useLoad } from '../../widgets/use-load.ts';
import { Time } from '../../widgets/time.tsx';

interface UserSession {
  objectId: string;
  createdWith: unknown;
  installationId: string | null;
  expiresAt: string | null;
  createdAt: string;
}

/** One user: the object, their sessions (revoke), and "browse as" (audited). */
export function UserDetail({ userId, session }: { userId: string; session: Session }) {
  const gql = useGql();
  const { refresh } = useSession();
  const [warn, setWarn] = useState(false);
  const user = useLoad(
    () => gql<{ object: unknown }>('query($id: ID!) { object(className: "_User", objectId: $id) }', { id: userId }).then((d) => d.object),
    [userId],
  );
  const sessions = useLoad(
    () =>
      gql<{ sessionsOf: UserSession[] }>('query($id: ID!) { sessionsOf(userId: $id) { objectId createdWith installationId expiresAt createdAt } }', {
        id: userId,
      }).then((d) => d.sessionsOf),
    [userId],
  );
  const mayBrowse = session.user.role === 'OWNER' || session.user.role === 'ADMIN';
  return (
    <div class="panel" data-testid="user-detail">
      <div class="toolbar">
        <h2>
          User <span class="mono">{userId}</span>
        </h2>
        <span class="spacer" />
        <button type="button" class="small" data-testid="user-open-data" onClick={() => navigate(`/data/_User/${encodeURIComponent(userId)}`)}>
          Open in data browser
        </button>
        {mayBrowse && !warn && (
          <button type="button" class="small" data-testid="browse-as" onClick={() => setWarn(true)}>
            Browse as this user…
          </button>
        )}
      </div>
      {warn && (
        <div class="warn" data-testid="browse-as-warning">
          <p>
            Browsing as this user, every data read and write of your dashboard session runs with their permissions, until you stop. Starting and stopping are
            recorded in the audit trail with your name.
          </p>
          <div class="row">
            <button
              type="button"
              class="primary"
              data-testid="browse-as-confirm"
              onClick={async () => {
                try {
                  await gql('mutation($id: ID) { browseAs(userId: $id) { browsingAs } }', { id: userId });
                  await refresh();
                  toast('Browsing as the user: the data screens now show what they can see');
                  navigate('/data');
                } catch (e) {
                  toast(messageOf(e), 'error');
                }
              }}
            >
              Browse as this user
            </button>
            <button type="button" onClick={() => setWarn(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {user.error && <p class="form-error">{user.error}</p>}
      {user.data !== undefined && <JsonView value={user.data} testid="user-json" />}
      <h3>Sessions</h3>
      {sessions.error && <p class="form-error">{sessions.error}</p>}
      <table class="plain" data-testid="sessions-table">
        <thead>
          <tr>
            <th>objectId</th>
            <th>created</th>
            <th>expires</th>
            <th>how</th>
            <th>installation</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(sessions.data ?? []).map((s) => (
            <tr key={s.objectId} data-testid={`session-row-${s.objectId}`}>
              <td class="mono">{s.objectId}</td>
              <td>
                <Time value={s.createdAt} />
              </td>
              <td>{s.expiresAt ?? ''}</td>
              <td class="mono">{s.createdWith ? JSON.stringify(s.createdWith) : ''}</td>
              <td class="mono">{s.installationId ?? ''}</td>
              <td>
                {session.canWrite && (
                  <ConfirmButton
                    testid={`session-revoke-${s.objectId}`}
                    question="Sign this session out?"
                    onConfirm={async () => {
                      try {
                        await gql('mutation($id: ID!) { revokeSession(sessionId: $id) }', { id: s.objectId });
                        toast('Session revoked');
                        await sessions.reload();
                      } catch (e) {
                        toast(messageOf(e), 'error');
                      }
                    }}
                  >
                    Revoke
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
          {sessions.data?.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No open sessions.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
