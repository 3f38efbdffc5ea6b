import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The server's logger. Never log session tokens, passwords or the master key: request
 * details are logged only through `redact`ed paths.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['*.password', '*.sessionToken', '*.masterKey', 'headers["x-parse-master-key"]', 'headers["x-parse-session-token"]', 'headers.authorization'], censor: '[redacted]' },
  });
}
