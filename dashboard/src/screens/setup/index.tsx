import { useEffect, useRef, useState } from 'preact/hooks';
import { postJson } from '../../api/http.ts';
import { navigate } from '../../api/router.ts';

/** The token of the one-time setup link (/dashboard/setup#token=…), read once and cleared from the URL. */
function takeToken(): string {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? '';
  if (token) history.replaceState(null, '', location.pathname);
  return token;
}

let setupToken: string | null = null;

/** First run: creates the owner account from the one-time link printed by the server. */
export default function Setup({ onDone }: { onDone: () => Promise<void> | void }) {
  setupToken ??= takeToken();
  const [email, setEmail] = useState('');
  const emailRef = useRef<HTMLInputElement>(null);
  // Focus the first box on arrival (an effect rather than autoFocus, which lint refuses).
  useEffect(() => emailRef.current?.focus(), []);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const token = setupToken;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (password !== confirm) return setError('The passwords differ.');
    setBusy(true);
    setError(null);
    try {
      await postJson('/dashboard/api/setup', { token, email, password });
      setupToken = null;
      navigate('/', true);
      await onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (!token)
    return (
      <div class="auth-page">
        <div class="auth-card">
          <h1>Set up Plinth</h1>
          <p>
            This page needs the one-time link the server printed when it first started. If the owner already exists,{' '}
            <a
              href="/dashboard/"
              onClick={(e) => {
                e.preventDefault();
                navigate('/', true);
              }}
            >
              sign in
            </a>
            .
          </p>
        </div>
      </div>
    );

  return (
    <div class="auth-page">
      <form class="auth-card" onSubmit={submit} data-testid="setup-form">
        <h1>Create the owner account</h1>
        <p class="muted">The owner manages the other dashboard users and reads the audit trail.</p>
        <label>
          Email
          <input
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            data-testid="setup-email"
            ref={emailRef}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autocomplete="new-password"
            required
            minLength={10}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="setup-password"
          />
        </label>
        <label>
          Repeat password
          <input
            type="password"
            autocomplete="new-password"
            required
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
            data-testid="setup-confirm"
          />
        </label>
        {error && (
          <p class="form-error" role="alert" data-testid="setup-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid="setup-submit">
          {busy ? 'Creating…' : 'Create owner'}
        </button>
      </form>
    </div>
  );
}
