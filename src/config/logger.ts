import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * The server's logger (JSON lines on stdout, or on `destination`). Never log session tokens,
 * passwords or the master key: request details are logged only through `redact`ed paths.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['*.password', '*.sessionToken', '*.masterKey', 'headers["x-parse-master-key"]', 'headers["x-parse-session-token"]', 'headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
