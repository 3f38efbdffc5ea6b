/*
 * Load for the fault tests: `workers` loops, each sending one GraphQL request at a time to a
 * real server and keeping how each one ended, so that a test can say what a client saw while a
 * process was killed or the database went away. Every request has a deadline: a request that
 * gets no answer within it is a `hang`, which is what the tests exist to rule out.
 */

export type OutcomeKind =
  /** HTTP 200, `data` and no `errors`. */
  | 'ok'
  /** A JSON error: GraphQL `errors` (any status), or `{code, error}` as the credential checks answer (API.md). */
  | 'error'
  /** An answer that is not JSON, or JSON with neither `data` nor `errors`. */
  | 'bad'
  /** The connection failed or was cut before an answer (refused, reset). */
  | 'cut'
  /** No answer within the deadline. */
  | 'hang';

export interface Outcome {
  kind: OutcomeKind;
  /** What the request was (the test's label). */
  op: string;
  worker: number;
  startedAt: number;
  endedAt: number;
  status?: number;
  body?: any;
  /** The network error (cut) or the text that was not JSON (bad). */
  detail?: string;
  /** Whatever the test attached to the request (e.g. the tag of the object it creates). */
  meta?: unknown;
}

export interface LoadRequest {
  op: string;
  query: string;
  variables?: Record<string, unknown>;
  headers: Record<string, string>;
  meta?: unknown;
}

export interface Load {
  outcomes: Outcome[];
  /** Requests sent and not answered yet. */
  inFlight(): number;
  count(kind: OutcomeKind, since?: number): number;
  /** Stops sending; resolves once every request in flight has ended. */
  stop(): Promise<void>;
}

/** Sends one request and classifies its end. */
export async function send(origin: string, request: LoadRequest, worker = 0, timeoutMs = 20_000): Promise<Outcome> {
  const startedAt = Date.now();
  const base = { op: request.op, worker, startedAt, meta: request.meta };
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify({ query: request.query, variables: request.variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const kind = e.name === 'TimeoutError' ? 'hang' : 'cut';
    return { ...base, kind, endedAt: Date.now(), detail: e.cause?.code ?? e.cause?.message ?? e.message };
  }
  const endedAt = Date.now();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { ...base, kind: 'bad', endedAt, status: response.status, detail: text.slice(0, 500) };
  }
  if (Array.isArray(body?.errors) || (typeof body?.code === 'number' && typeof body?.error === 'string'))
    return { ...base, kind: 'error', endedAt, status: response.status, body };
  if (response.status === 200 && body?.data) return { ...base, kind: 'ok', endedAt, status: 200, body };
  return { ...base, kind: 'bad', endedAt, status: response.status, body, detail: text.slice(0, 500) };
}

/**
 * Starts `workers` loops; `next(worker, i)` makes each one's i-th request. After a failed
 * request a worker waits `pauseAfterFailureMs` before the next, so that a server that refuses
 * fast is not flooded.
 */
export function startLoad(
  origin: string,
  workers: number,
  next: (worker: number, i: number) => LoadRequest,
  { timeoutMs = 20_000, pauseAfterFailureMs = 25 } = {},
): Load {
  const outcomes: Outcome[] = [];
  let stopping = false;
  let inFlight = 0;
  const loop = async (worker: number) => {
    for (let i = 0; !stopping; i++) {
      inFlight++;
      const outcome = await send(origin, next(worker, i), worker, timeoutMs);
      inFlight--;
      outcomes.push(outcome);
      if (outcome.kind !== 'ok') await new Promise((r) => setTimeout(r, pauseAfterFailureMs));
    }
  };
  const running = Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  return {
    outcomes,
    inFlight: () => inFlight,
    count: (kind, since = 0) => outcomes.filter((o) => o.kind === kind && o.endedAt >= since).length,
    async stop() {
      stopping = true;
      await running;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
