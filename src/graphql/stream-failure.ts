import type { GraphQLContext } from './context.ts';
import { Loaders } from './loaders.ts';

/** The error that ended a subscription's stream, carried as its last payload. */
export class StreamFailure {
  constructor(readonly error: unknown) {}
}

/**
 * A subscription's source stream with the error that ends it (a session that ended: 209)
 * delivered as one last payload, so that the subscriber gets it as a GraphQL error with its
 * code rather than a transport failure. Written by hand, not as an async generator: `return()`
 * (disconnect, complete) must reach the source at once, even while a `next()` is waiting.
 */
export function endWithFailure<T>(source: AsyncIterableIterator<T>): AsyncIterableIterator<T | StreamFailure> {
  let done = false;
  const finished = { done: true, value: undefined } as IteratorReturnResult<undefined>;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T | StreamFailure>> {
      if (done) return finished;
      try {
        const result = await source.next();
        if (result.done) done = true;
        return result;
      } catch (error) {
        done = true;
        return { done: false, value: new StreamFailure(error) };
      }
    },
    async return(): Promise<IteratorResult<T | StreamFailure>> {
      done = true;
      await source.return?.();
      return finished;
    },
  };
}

/**
 * What a subscription field's `resolve` does with each payload: throws the stream's error for
 * this subscriber, or returns the payload with fresh loaders in the context — each payload is
 * executed as a new response, and nothing may be served from the previous one's cache.
 */
export function eachPayload<T>(payload: T | StreamFailure, c: GraphQLContext): T {
  if (payload instanceof StreamFailure) throw payload.error;
  c.loaders = new Loaders(c.core, c.auth);
  return payload;
}
