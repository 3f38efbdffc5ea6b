import { tapLogger, type Logger } from '../../config/logger.ts';
import { RecentLogs, type RecentLogsOptions } from './recent-logs.ts';

export { RecentLogs, type LogEntry, type LogFilter, type RecentLogsOptions } from './recent-logs.ts';

const buffers = new WeakMap<Logger, RecentLogs>();

/**
 * The recent-logs buffer of a server's logger: made and tapped on the first call (the server
 * does it at start-up, with the master key among `secrets`), the same one afterwards — the
 * dashboard's Logs screen reads `recentLogsFor(plinth.logger)`. A logger not made by
 * createLogger cannot be tapped: its buffer stays empty.
 */
export function recentLogsFor(logger: Logger, options?: RecentLogsOptions): RecentLogs {
  let buffer = buffers.get(logger);
  if (!buffer) {
    buffer = new RecentLogs(options);
    tapLogger(logger, buffer);
    buffers.set(logger, buffer);
  }
  return buffer;
}
