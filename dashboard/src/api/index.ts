/**
 * The shared API of the dashboard's screens (import from '../../api/index.ts'):
 *
 *   type Session = { user: {id, email, role, totpEnabled?, scope?}, features: string[], canWrite: boolean,
 *                    csrfToken: string, browsingAs: string | null }
 *   type ScreenProps = { session: Session; args: string[] }   // args: URL path after /dashboard/<screen>/
 *   useSession(): { session, refresh(): Promise<void>, logout(): Promise<void> }   // inside the shell
 *   csrfFetch(url, init?): Promise<Response>      // same-origin fetch + X-Plinth-CSRF header
 *   postJson<T>(url, body?): Promise<T>           // POST JSON to /dashboard/api/*, throws ApiError {status, code, message, body}
 *   useGql(): (doc: string, vars?) => Promise<T>  // imperative query/mutation (a string starting with `mutation` mutates); throws GqlError {message, code}
 *   runGql(client, doc, vars?): Promise<T>        // same, given an urql Client
 *   useQuery, useMutation, useSubscription, useClient, gql   // urql's own, re-exported
 *   navigate(path: string, replace?): void        // pushState router; path like '/data/Post' (without /dashboard)
 *   routePath(screen, ...args): string            // '/data/My%20Class/abc' from segments, each encoded
 *   useRoute(): { screen: string; args: string[] }
 *   toast(message: string, kind?: 'info' | 'error'): void   // a quiet notice in the corner
 *
 * The urql Provider, the session context and the router are set up by app/App.tsx.
 */
export { gql } from '@urql/core';
export { useClient, useMutation, useQuery, useSubscription } from '@urql/preact';
export { createAdminClient } from './client.ts';
export { GqlError, runGql, useGql } from './gql.ts';
export { ApiError, csrfFetch, postJson } from './http.ts';
export { navigate, routePath, useRoute } from './router.ts';
export type { Session, SessionContextValue, SessionUser } from './session.ts';
export { fetchSession, SessionContext, setCsrfToken, useSession } from './session.ts';
export { toast } from './toast.ts';

import type { Session } from './session.ts';

/** Props every screen module's default export receives. */
export interface ScreenProps {
  session: Session;
  /** The URL path segments after /dashboard/<screen>/ (decoded). */
  args: string[];
}
