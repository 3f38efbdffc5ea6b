import { Writable } from 'node:stream';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY, overSocket, stopRequester } from '../helpers/server.ts';

export { APP_ID, MASTER_KEY };

/** A response read whole: status, headers, text, and the JSON body when there is one. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface LoggedServer {
  plinth: Plinth;
  /** Every line the server logged, parsed (pino JSON). */
  logs: Record<string, any>[];
  /** Sends a request as given (no default headers) through the front door: a loopback socket, routed as `listen` routes. */
  send(path: string, init?: RequestInit): Promise<RawResponse>;
  /** POSTs a GraphQL request with the app id (and `headers`). */
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export async function readResponse(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * A Plinth on a fresh database of this project's kind, like startTestServer, but whose logger
 * writes into `logs` — so that a test can see what the server logged and compare it with what
 * the client was told.
 */
export async function startLoggedServer(overrides: ConfigInput = {}): Promise<LoggedServer> {
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const database: TestDatabase = await createTestDatabase();
  const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'info', ...overrides });
  const plinth = await createPlinth(config, { db: database.db, logger: createLogger('info', sink) });
  const send = async (path: string, init?: RequestInit) => readResponse(await overSocket(plinth, path, init));
  return {
    plinth,
    logs,
    send,
    graphql: (query, variables, headers = {}) =>
      send('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers },
        body: JSON.stringify({ query, variables }),
      }),
    async close() {
      await stopRequester(plinth);
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}

/** Fails when a response shows anything of the server's insides: a stack frame or a source path. */
export function expectNoInternals(text: string): void {
  const leaks = [/\bat [\w.<>]+ \(/, /\n\s+at /, /node_modules/, /\.ts:\d+/, /\.js:\d+/, /"stack"/];
  for (const leak of leaks) if (leak.test(text)) throw new Error(`response shows server internals (${leak}): ${text.slice(0, 500)}`);
}
