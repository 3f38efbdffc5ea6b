import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { clientKey } from '../../auth/rate-limit.ts';
import { ErrorCode } from '../../errors/index.ts';
import type { GraphQLContext } from '../../graphql/context.ts';

/**
 * Subscriptions over server-sent events, per client address: each holds an HTTP response open
 * for as long as it lasts, as a WebSocket connection does, so they share the WebSocket limit
 * (PLINTH_LIVE_MAX_CONNECTIONS_PER_IP; graphql-ws counts its own connections in server/ws.ts).
 * One over the limit is refused with 155; a stream's slot is freed when it ends, however it ends.
 */
export function useSseLimit(maxPerAddress: number): Plugin {
  const open = new Map<string, number>();
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const context = args.contextValue as unknown as GraphQLContext;
      if (context.transport !== 'http') return;
      const key = clientKey(context.clientIp);
      const held = open.get(key) ?? 0;
      if (held >= maxPerAddress) {
        const refused = createGraphQLError(`Too many subscriptions from this address (at most ${maxPerAddress} at once).`, {
          extensions: { code: ErrorCode.REQUEST_LIMIT_EXCEEDED },
        });
        setSubscribeFn((() => ({ errors: [refused] })) as never);
        return;
      }
      open.set(key, held + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const left = (open.get(key) ?? 1) - 1;
        if (left > 0) open.set(key, left);
        else open.delete(key);
      };
      return {
        onSubscribeError: release,
        onSubscribeResult({ result }) {
          if (!result || typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
            release();
            return;
          }
          return { onEnd: release };
        },
      };
    },
  };
}
