import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Answer, Answers, listen, readBody, reply, sleep, stopServer } from './fake-server.ts';

/*
 * A stand-in for Expo's push service: `POST /--/api/v2/push/send` takes up to 100 messages and
 * answers one ticket per message, in order. A scripted answer with a `reason` (DeviceNotRegistered,
 * MessageTooBig, MessageRateExceeded…) becomes that message's error ticket; one without a reason
 * and a status other than 200 (429, 5xx) is how the whole request is answered, as Expo does when
 * it takes none of it. With an access token set, a request without it is refused (401).
 */

/** A message Expo accepted. */
export interface ExpoDelivery {
  token: string;
  /** The message as sent, `to` included. */
  message: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeExpoOptions {
  /** The project's push access token; requests must carry it (default: none needed). */
  accessToken?: string;
}

export class FakeExpo {
  /** Accepted messages, in order of arrival. */
  readonly deliveries: ExpoDelivery[] = [];
  /** Every send request: how many messages it carried and the status it got. */
  readonly requests: Array<{ messages: number; status: number }> = [];
  url = '';
  private readonly answers = new Answers();
  private readonly server = http.createServer((req, res) => void this.route(req, res));

  constructor(private readonly options: FakeExpoOptions = {}) {}

  async start(): Promise<string> {
    this.url = `http://127.0.0.1:${await listen(this.server)}/--/api/v2/push/send`;
    return this.url;
  }

  stop(): Promise<void> {
    return stopServer(this.server);
  }

  /** Answer messages for `token` (or all) this way. */
  answer(answer: Answer, token?: string): void {
    this.answers.add(answer, token);
  }

  reset(): void {
    this.deliveries.length = 0;
    this.requests.length = 0;
    this.answers.clear();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/--/api/v2/push/send') return reply(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'Not found' }] });
    const authorization = req.headers.authorization;
    let messages: Array<Record<string, unknown>>;
    try {
      messages = JSON.parse(body);
      if (!Array.isArray(messages) || messages.length === 0 || messages.length > 100) throw new Error('not 1 to 100 messages');
    } catch {
      this.requests.push({ messages: 0, status: 400 });
      return reply(res, 400, { errors: [{ code: 'VALIDATION_ERROR', message: 'Expected an array of 1 to 100 messages' }] });
    }
    const answers = messages.map((m) => this.answers.take(String(m.to)));
    const delay = Math.max(0, ...answers.map((a) => a?.delayMs ?? 0));
    if (delay) await sleep(delay);
    if (this.options.accessToken && authorization !== `Bearer ${this.options.accessToken}`) {
      this.requests.push({ messages: messages.length, status: 401 });
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'The bearer token is invalid' }] });
    }
    const whole = answers.find((a) => a && !a.reason && a.status !== 200);
    if (whole) {
      this.requests.push({ messages: messages.length, status: whole.status });
      res.writeHead(whole.status, whole.retryAfter === undefined ? {} : { 'retry-after': String(whole.retryAfter) });
      return void res.end();
    }
    this.requests.push({ messages: messages.length, status: 200 });
    const tickets = messages.map((message, i) => {
      const reason = answers[i]?.reason;
      if (reason) return { status: 'error', message: `${reason} for ${String(message.to)}`, details: { error: reason } };
      this.deliveries.push({ token: String(message.to), message, authorization });
      return { status: 'ok', id: `ticket-${this.deliveries.length}` };
    });
    reply(res, 200, { data: tickets });
  }
}
