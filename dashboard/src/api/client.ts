import { Client, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { csrfToken } from './session.ts';

const endpoint = '/dashboard/graphql';

/** Fired on window when the server no longer knows the session (HTTP 401): the shell goes back to sign-in. */
export const SIGNED_OUT_EVENT = 'plinth:signed-out';

/**
 * The urql client for the admin GraphQL API: HTTP POST with the CSRF header, subscriptions over
 * graphql-ws on the same path (the browser sends the cookie; no token in connectionParams).
 * Made once per signed-in session; `dispose` closes the socket on logout.
 */
export function createAdminClient(): { client: Client; dispose: () => void } {
  const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${endpoint}`;
  const ws = createWsClient({ url: wsUrl, lazy: true, retryAttempts: 5 });
  const client = new Client({
    url: endpoint,
    requestPolicy: 'network-only',
    preferGetMethod: false,
    fetchOptions: () => ({ credentials: 'same-origin', headers: { 'X-Plinth-CSRF': csrfToken() } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if ((error.response as Response | undefined)?.status === 401) dispatchEvent(new Event(SIGNED_OUT_EVENT));
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
