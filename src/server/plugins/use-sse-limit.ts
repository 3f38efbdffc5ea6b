import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors/index.ts';
import type { GraphQLContext } from '../../graphql/context.ts';
import type { AddressSlots } from '../../live/index.ts';

/**
 * Subscriptions over server-sent events, per client address: each holds an HTTP response open
 * for as long as it lasts, as a WebSocket connection does, so they take a slot of the same
 * per-address budget (PLINTH_LIVE_MAX_CONNECTIONS_PER_IP, live/address-slots.ts) as graphql-ws
 * and LiveQuery sockets. One over the limit is refused with 155; a stream's slot is freed when
 * it ends, however it ends.
 */
export function useSseLimit(slots: AddressSlots): Plugin {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const context = args.contextValue as unknown as GraphQLContext;
      if (context.transport !== 'http') return;
      const release = slots.take(context.clientIp);
      if (!release) {
        const refused = createGraphQLError(`Too many subscriptions from this address (at most ${slots.maxPerAddress} at once).`, {
          extensions: { code: ErrorCode.REQUEST_LIMIT_EXCEEDED },
        });
        setSubscribeFn((() => ({ errors: [refused] })) as never);
        return;
      }
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
