import { errors } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import type { ChangeFeed, LiveChange } from '../types.ts';
import { LatestValue } from './latest-value.ts';
import { RerunScheduler } from './rerun-scheduler.ts';
import { endsSessionOf } from './session-end.ts';

/** Quiet period between a change and the re-run it causes (bursts share one run). */
export const DEFAULT_DEBOUNCE_MS = 30;

export interface LiveResultSetOptions<T> {
  feed: ChangeFeed;
  /** The subscriber: its session ending ends the stream (209). */
  auth: Auth;
  /**
   * Classes whose changes may alter the result (the class itself, classes the `where` reads,
   * pointer targets read with the page). The fingerprint decides whether a re-run is emitted.
   */
  watched: readonly string[];
  /**
   * Classes read while the result is rendered but not part of its fingerprint (relations and
   * deeper pointers of the selection): a change to them always emits the re-run's result.
   */
  opaque?: readonly string[];
  /** Runs the query as the subscriber; a rejection ends the stream with that error. */
  run: () => Promise<T>;
  /** Equal fingerprints mean the subscriber would see the same thing. */
  fingerprint: (result: T) => string;
  /** A cheap test: false when the change provably cannot affect the result. */
  mayAffect?: (change: LiveChange) => boolean;
  debounceMs?: number;
}

/**
 * Opens a live result set: runs the query once (its error, e.g. a refused CLP, is thrown here,
 * at subscribe time), then yields that result and a new one after each change that altered
 * what the subscriber sees. Re-runs are coalesced (see RerunScheduler); a slow consumer gets
 * the latest result, not a backlog. `return()` unsubscribes and clears every timer.
 */
export async function openLiveResultSet<T>(opts: LiveResultSetOptions<T>): Promise<AsyncIterableIterator<T>> {
  const unsubscribers: (() => void)[] = [];
  let scheduler: RerunScheduler | undefined;
  const close = () => {
    scheduler?.stop();
    for (const u of unsubscribers.splice(0)) u();
  };
  const out = new LatestValue<T>(close);
  let last: string | undefined;
  let force = false;
  const rerun = async () => {
    const forced = force;
    force = false;
    try {
      const result = await opts.run();
      const print = opts.fingerprint(result);
      if (print === last && !forced) return;
      last = print;
      out.push(result);
    } catch (error) {
      out.fail(error);
    }
  };
  scheduler = new RerunScheduler(opts.debounceMs ?? DEFAULT_DEBOUNCE_MS, rerun);
  const opaque = new Set(opts.opaque ?? []);
  const onChange = (change: LiveChange) => {
    if (opaque.has(change.className)) force = true;
    else if (opts.mayAffect && !mayAffect(opts.mayAffect, change)) return;
    scheduler.markStale();
  };
  // Listen before the first run, so a change committed while it runs causes a re-run.
  for (const className of new Set([...opts.watched, ...opaque])) unsubscribers.push(opts.feed.onClassChange(className, onChange));
  unsubscribers.push(opts.feed.onSessionsEnded((ended) => endsSessionOf(opts.auth, ended) && out.fail(errors.invalidSessionToken())));

  let initial: { error: unknown } | undefined;
  await scheduler.runNow(async () => {
    try {
      const result = await opts.run();
      last = opts.fingerprint(result);
      out.push(result);
    } catch (error) {
      initial = { error };
    }
  });
  if (initial) {
    close();
    throw initial.error;
  }
  return out;
}

/** The pre-filter's answer; when in doubt (it failed), the change may affect the result. */
function mayAffect(test: (change: LiveChange) => boolean, change: LiveChange): boolean {
  try {
    return test(change);
  } catch {
    return true;
  }
}
