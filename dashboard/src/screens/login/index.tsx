import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, postJson } from '../../api/http.ts';

/**
 * Sign in: email and password; when the server answers `totpRequired`, a one-time code field
 * appears and the form is sent again with it. The session cookie is set by the server (HttpOnly).
 */
export default function Login({ onSignedIn }: { onSignedIn: () => Promise<void> | void }) {
  const [email, setEmail] = useState('');
  const emailRef = useRef<HTMLInputElement>(null);
  // Focus the first box on arrival (an effect rather than autoFocus, which lint refuses).
  useEffect(() => emailRef.current?.focus(), []);
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const totpRef = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await postJson('/dashboard/api/login', { email, password, ...(needTotp ? { totp } : {}) });
      setPassword('');
      await onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.body.totpRequired && !needTotp) {
        setNeedTotp(true);
        setTimeout(() => totpRef.current?.focus(), 0);
      } else {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="auth-page">
      <form class="auth-card" onSubmit={submit} data-testid="login-form">
        <h1>Plinth dashboard</h1>
        <label>
          Email
          <input
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            data-testid="login-email"
            ref={emailRef}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
        </label>
        {needTotp && (
          <label>
            One-time code
            <input
              ref={totpRef}
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              required
              value={totp}
              onInput={(e) => setTotp(e.currentTarget.value.trim())}
              data-testid="login-totp"
            />
          </label>
        )}
        {error && (
          <p class="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
