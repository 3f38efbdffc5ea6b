import type { Client } from '@urql/core';
import { Provider } from '@urql/preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createAdminClient, SIGNED_OUT_EVENT } from '../api/client.ts';
import { postJson } from '../api/http.ts';
import { navigate, useRoute } from '../api/router.ts';
import { fetchSession, type Session, SessionContext, setCsrfToken } from '../api/session.ts';
import { allowedScreens } from '../screens/index.ts';
import Login from '../screens/login/index.tsx';
import Setup from '../screens/setup/index.tsx';
import { Shell } from './Shell.tsx';
import { Toasts } from './Toasts.tsx';

type State = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'failed'; message: string } | { kind: 'signed-in'; session: Session };

/**
 * The root: asks /dashboard/api/session once, then shows the setup page (one-time link), the
 * login form, or the signed-in shell with one urql client per session.
 */
export function App() {
  const route = useRoute();
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(async () => {
    try {
      const session = await fetchSession();
      setState(session ? { kind: 'signed-in', session } : { kind: 'anonymous' });
    } catch (e) {
      setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }, []);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    const lost = () => void load();
    addEventListener(SIGNED_OUT_EVENT, lost);
    return () => removeEventListener(SIGNED_OUT_EVENT, lost);
  }, [load]);

  const session = state.kind === 'signed-in' ? state.session : null;
  // A fresh client (and socket) per signed-in admin and per "browse as" identity: nothing cached
  // outlives a logout, and the live grid's socket (whose identity the server fixes when it
  // connects) follows the identity the data requests run as.
  const sessionKey = session ? `${session.user.id}:${session.browsingAs ?? ''}` : null;
  const clientPair = useMemo<{ client: Client; dispose: () => void } | null>(() => (sessionKey ? createAdminClient() : null), [sessionKey]);
  useEffect(() => () => clientPair?.dispose(), [clientPair]);

  const logout = useCallback(async () => {
    try {
      await postJson('/dashboard/api/logout');
    } catch {
      // Already gone server-side: forget it here too.
    }
    setCsrfToken('');
    setState({ kind: 'anonymous' });
    navigate('/', true);
  }, []);

  if (route.screen === 'setup') return <Setup onDone={load} />;
  if (state.kind === 'loading') return <div class="boot muted">Loading…</div>;
  if (state.kind === 'failed')
    return (
      <div class="boot">
        <p>The dashboard could not reach the server: {state.message}</p>
        <button type="button" onClick={load}>
          Retry
        </button>
      </div>
    );
  if (state.kind === 'anonymous' || !clientPair || !session) return <Login onSignedIn={load} />;

  const screens = allowedScreens(session.features);
  return (
    <Provider value={clientPair.client}>
      <SessionContext.Provider value={{ session, refresh: load, logout }}>
        <Shell session={session} screens={screens} route={route} />
        <Toasts />
      </SessionContext.Provider>
    </Provider>
  );
}
