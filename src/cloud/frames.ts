import { AsyncLocalStorage } from 'node:async_hooks';
import { ErrorCode, ParseError } from '../errors/index.ts';
import type { Auth, RequestInfo } from '../security/index.ts';

/**
 * How deeply cloud triggers may nest through the data API (a trigger's write running a trigger
 * whose write runs a trigger…) before the innermost operation fails: a trigger that re-enters
 * itself without end stops here instead of writing forever.
 */
export const MAX_TRIGGER_DEPTH = 16;

/*
 * The chain of triggers under way travels with the operation: a trigger's `request.data` acts
 * with an Auth whose request info lists the triggers around it. The global `cloud.data` has no
 * request to carry it; for it, the chain is kept in an AsyncLocalStorage — which costs every
 * promise of the process about a third more CPU once enabled (measured: a create went from
 * ~430 to ~570-780 µs of CPU), so it is enabled only after `cloud.data` has been called from
 * inside a running handler, and apps that use `request.data` never pay for it.
 */
let storage: AsyncLocalStorage<RequestInfo> | undefined;
let running = 0;

/** Runs a handler, with its request info visible to the global data API once that is needed. */
export async function inHandler<T>(request: RequestInfo | undefined, run: () => T | Promise<T>): Promise<T> {
  running++;
  try {
    return await (storage && request ? storage.run(request, run) : run());
  } finally {
    running--;
  }
}

/**
 * The request info around a call of the global data API: the innermost running handler's,
 * when known. The first call made while a handler runs turns the tracking on.
 */
export function ambientRequest(): RequestInfo | undefined {
  if (!storage) {
    if (running > 0) storage = new AsyncLocalStorage<RequestInfo>();
    return undefined;
  }
  return storage.getStore();
}

/** The request info for the operations a trigger starts: the same request, one trigger deeper. */
export function deeper(request: RequestInfo | undefined, label: string): RequestInfo {
  const chain = [...(request?.chain ?? []), label];
  return { ...(request ?? { context: {} }), chain };
}

/** Refuses to run a trigger nested deeper than MAX_TRIGGER_DEPTH (141, naming the chain). */
export function checkDepth(auth: Auth, label: string): void {
  const chain = auth.request?.chain;
  if (!chain || chain.length < MAX_TRIGGER_DEPTH) return;
  const recent = [...chain.slice(-4), label].join(' → ');
  throw new ParseError(
    ErrorCode.SCRIPT_FAILED,
    `Cloud triggers nested more than ${MAX_TRIGGER_DEPTH} deep (… ${recent}): a trigger keeps re-entering itself through the data API`,
  );
}
