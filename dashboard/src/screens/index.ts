import type { ComponentType } from 'preact';
import type { ScreenProps } from '../api/index.ts';

/**
 * Every screen of the dashboard. `feature` is what the session's `features` must contain for
 * the nav to show it (null: every signed-in admin). Each module's default export is a Preact
 * component taking ScreenProps ({session, args}); every screen is lazy-loaded so the first
 * bundle stays small. Jobs live in the cloud screen.
 */
export interface ScreenDef {
  id: string;
  title: string;
  feature: string | null;
  load: () => Promise<{ default: ComponentType<ScreenProps> }>;
}

// A glob rather than one import() per screen, so a screen still being written elsewhere does not
// break the build: a missing module shows "not available" instead.
const modules = import.meta.glob<{ default: ComponentType<ScreenProps> }>(['./*/index.tsx', '!./login/**', '!./setup/**']);

function lazy(id: string): ScreenDef['load'] {
  return () => {
    const load = modules[`./${id}/index.tsx`];
    return load ? load() : Promise.reject(new Error(`The ${id} screen is not part of this build.`));
  };
}

export const screens: ScreenDef[] = [
  { id: 'data', title: 'Data browser', feature: 'data', load: lazy('data') },
  { id: 'schema', title: 'Schema', feature: 'schema', load: lazy('schema') },
  { id: 'users', title: 'Users & roles', feature: 'users', load: lazy('users') },
  { id: 'cloud', title: 'Cloud code', feature: 'cloud', load: lazy('cloud') },
  { id: 'files', title: 'Files', feature: 'files', load: lazy('files') },
  { id: 'push', title: 'Push', feature: 'push', load: lazy('push') },
  { id: 'logs', title: 'Logs', feature: 'logs', load: lazy('logs') },
  { id: 'audit', title: 'Audit trail', feature: 'audit', load: lazy('audit') },
  { id: 'admins', title: 'Dashboard users', feature: 'admins', load: lazy('admins') },
  { id: 'graphiql', title: 'GraphiQL', feature: 'graphiql', load: lazy('graphiql') },
  { id: 'account', title: 'My account', feature: null, load: lazy('account') },
];

/** The screens a session may open, in nav order. */
export function allowedScreens(features: readonly string[]): ScreenDef[] {
  return screens.filter((s) => s.feature === null || features.includes(s.feature));
}
