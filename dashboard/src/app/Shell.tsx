import { useEffect } from 'preact/hooks';
import { navigate, type Route } from '../api/router.ts';
import type { Session } from '../api/session.ts';
import type { ScreenDef } from '../screens/index.ts';
import { BrowsingBanner } from './BrowsingBanner.tsx';
import { LazyScreen } from './LazyScreen.tsx';
import { UserMenu } from './UserMenu.tsx';

/** The signed-in layout: nav on the left (only allowed screens), top bar, the current screen. */
export function Shell({ session, screens, route }: { session: Session; screens: ScreenDef[]; route: Route }) {
  const current = screens.find((s) => s.id === route.screen);
  const fallback = screens[0];
  useEffect(() => {
    if (!current && fallback) navigate(`/${fallback.id}`, true);
  }, [current, fallback]);
  useEffect(() => {
    document.title = current ? `${current.title} · Plinth` : 'Plinth dashboard';
  }, [current]);
  const nav = screens.filter((s) => s.id !== 'account');
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <nav class="nav" aria-label="Screens">
        <div class="brand">Plinth</div>
        <ul>
          {nav.map((s) => (
            <li key={s.id}>
              <a
                href={`/dashboard/${s.id}`}
                class={s.id === current?.id ? 'active' : ''}
                aria-current={s.id === current?.id ? 'page' : undefined}
                data-testid={`nav-${s.id}`}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  navigate(`/${s.id}`);
                }}
              >
                {s.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="main-col">
        <header class="topbar">
          <h1 class="screen-title">{current?.title ?? ''}</h1>
          {!session.canWrite && (
            <span class="badge" data-testid="read-only-badge" title="This account cannot change data">
              read-only
            </span>
          )}
          <div class="spacer" />
          <UserMenu session={session} />
        </header>
        {session.browsingAs && <BrowsingBanner userId={session.browsingAs} />}
        <main id="main" class="content" tabIndex={-1}>
          {current ? (
            <LazyScreen key={`${current.id}:${session.browsingAs ?? ''}`} def={current} session={session} args={route.args} />
          ) : (
            <div class="screen-message">No screen is available to this account.</div>
          )}
        </main>
      </div>
    </div>
  );
}
