import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './ops.ts';

export type { Logger };

/**
 * Text for a developer at a terminal: a short local time, the level and the message on one line,
 * the fields (and an error's stack) indented below it. Written synchronously, so that the lines
 * keep their order with what the server prints directly (the generated master key).
 */
function prettyStream(destination?: DestinationStream): DestinationStream {
  return pretty({
    destination: destination ?? 1,
    sync: true,
    // A test's sink is not a terminal; stdout gets colours when it is one.
    ...(destination ? { colorize: false } : {}),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/**
 * The server's logger: JSON lines (`format` "json", the default) or text ("pretty"), on stdout
 * or on `destination`. Never log session tokens, passwords or the master key: request details
 * are logged only through `redact`ed paths, in either format.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: undefined,
    redact: {
      paths: ['*.password', '*.sessionToken', '*.masterKey', 'headers["x-parse-master-key"]', 'headers["x-parse-session-token"]', 'headers.authorization'],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty') return pino(options, prettyStream(destination));
  return destination ? pino(options, destination) : pino(options);
}
