import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './ops.ts';

export type { Logger };

/** Receives every line a logger writes, as JSON, after redaction (the dashboard's recent logs). */
export interface LogSink {
  write(line: string): void;
}

/** The sink of each logger createLogger made (set later by tapLogger); child loggers share it. */
const taps = new WeakMap<Logger, { sink?: LogSink }>();

/**
 * Sends a copy of every line `logger` (and its children) writes to `sink`, in either format —
 * the JSON line, redacted as the output is. Only loggers made by createLogger can be tapped;
 * returns false for others. One sink per logger: a second call replaces the first.
 */
export function tapLogger(logger: Logger, sink: LogSink): boolean {
  const tap = taps.get(logger);
  if (!tap) return false;
  tap.sink = sink;
  return true;
}

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
  const tap: { sink?: LogSink } = {};
  const options = {
    level,
    base: undefined,
    redact: {
      paths: [
        'password',
        'sessionToken',
        'masterKey',
        '*.password',
        '*.sessionToken',
        '*.masterKey',
        'headers["x-parse-master-key"]',
        'headers["x-parse-session-token"]',
        'headers.authorization',
        'headers.cookie',
      ],
      censor: '[redacted]',
    },
    // The line as written (redacted), also to the tap's sink when one is set (tapLogger).
    hooks: {
      streamWrite(line: string): string {
        tap.sink?.write(line);
        return line;
      },
    },
  };
  const logger = format === 'pretty' ? pino(options, prettyStream(destination)) : destination ? pino(options, destination) : pino(options);
  taps.set(logger, tap);
  return logger;
}
