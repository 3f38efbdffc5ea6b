import { useEffect, useState } from 'preact/hooks';

/** The dashboard is served under this path; routes are /dashboard/<screen>/<args…>. */
export const BASE = '/dashboard';

export interface Route {
  screen: string;
  args: string[];
}

const listeners = new Set<() => void>();

/** Parses the current location into a screen id and its (decoded) arguments. */
export function currentRoute(): Route {
  let path = location.pathname;
  if (path.startsWith(BASE)) path = path.slice(BASE.length);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { screen: parts[0] ?? '', args: parts.slice(1) };
}

/** Builds a dashboard URL from segments, each encoded. */
export function routePath(screen: string, ...args: string[]): string {
  return `/${[screen, ...args].map(encodeURIComponent).join('/')}`;
}

/** Goes to a dashboard path ('/data/Post/abc'); `replace` rewrites the history entry instead. */
export function navigate(path: string, replace = false): void {
  const url = BASE + (path.startsWith('/') ? path : `/${path}`);
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
}

addEventListener('popstate', () => {
  for (const l of listeners) l();
});

/** The current route; re-renders on navigate() and the browser's back/forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return route;
}
