/**
 * GraphiQL against the public API, as anonymous, a user or yourself ("master": your own
 * dashboard rights). The identity is chosen on the server (/dashboard/api/graphiql and its
 * proxy): no master key or session token ever reaches this page or the frame.
 * Route: /graphiql (/graphiql/user/<id> opens it as that user).
 *
 * data-testid: graphiql-identity, graphiql-user-id, graphiql-apply, graphiql-frame, graphiql-identity-note
 */
import { useState } from 'preact/hooks';
import { navigate, type ScreenProps } from '../../api/index.ts';
import '../../widgets/widgets.css';

type Kind = 'master' | 'anonymous' | 'user';

const NOTES: Record<Kind, string> = {
  master: 'Runs with your own dashboard rights: the master key’s reach within your role and scope (read-only stays read-only).',
  anonymous: 'Runs as a client with no session: what the public can see and do.',
  user: 'Runs as this user: their ACLs, roles and class-level permissions apply. Requests are logged with your name.',
};

export default function GraphiQLScreen({ session, args }: ScreenProps) {
  const mayActAsUser = session.user.role === 'OWNER' || session.user.role === 'ADMIN';
  const initialKind: Kind = args[0] === 'user' && args[1] && mayActAsUser ? 'user' : args[0] === 'anonymous' ? 'anonymous' : 'master';
  const [kind, setKind] = useState<Kind>(initialKind);
  const [userId, setUserId] = useState(initialKind === 'user' ? (args[1] ?? '') : '');
  const [as, setAs] = useState(initialKind === 'user' ? `user:${args[1]}` : initialKind);
  const validUser = /^[A-Za-z0-9_-]{1,64}$/.test(userId.trim());
  const apply = (next: Kind, id = userId) => {
    if (next === 'user' && !/^[A-Za-z0-9_-]{1,64}$/.test(id.trim())) return;
    const value = next === 'user' ? `user:${id.trim()}` : next;
    setAs(value);
    navigate(next === 'user' ? `/graphiql/user/${encodeURIComponent(id.trim())}` : `/graphiql/${next}`, true);
  };
  return (
    <div class="screen">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          apply(kind);
        }}
      >
        <label class="row">
          <span class="field-label">Run as</span>
          <select
            value={kind}
            data-testid="graphiql-identity"
            onChange={(e) => {
              const next = (e.target as HTMLSelectElement).value as Kind;
              setKind(next);
              if (next !== 'user') apply(next);
            }}
          >
            <option value="master">Me (master, within my rights)</option>
            <option value="anonymous">Anonymous</option>
            {mayActAsUser && <option value="user">A user…</option>}
          </select>
        </label>
        {kind === 'user' && (
          <>
            <input
              value={userId}
              placeholder="user objectId"
              aria-label="User objectId"
              aria-invalid={userId && !validUser ? 'true' : undefined}
              data-testid="graphiql-user-id"
              onInput={(e) => setUserId((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="small primary" disabled={!validUser} data-testid="graphiql-apply">
              Open
            </button>
          </>
        )}
        <span class="muted" data-testid="graphiql-identity-note">
          {NOTES[as.startsWith('user:') ? 'user' : (as as Kind)]}
        </span>
      </form>
      <iframe
        key={as}
        class="graphiql-frame"
        title={`GraphiQL as ${as}`}
        src={`/dashboard/api/graphiql?as=${encodeURIComponent(as)}`}
        data-testid="graphiql-frame"
      />
    </div>
  );
}
