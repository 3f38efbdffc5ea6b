import type { LogSink } from '../../config/logger.ts';

/** pino's level numbers and names. */
const LEVELS: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const NAMES = new Map(Object.entries(LEVELS).map(([name, n]) => [n, name]));

/** One line as the dashboard's Logs screen shows it (the admin API's LogEntry). */
export interface LogEntry {
  time: string;
  level: string;
  msg: string;
  /** The line's other fields (already redacted). */
  data: Record<string, unknown> | null;
}

export interface LogFilter {
  /** This level and above (trace, debug, info, warn, error, fatal). */
  level?: string | null;
  /** Lines containing this text (case-insensitive), anywhere in the line. */
  contains?: string | null;
  /** At most this many (default 200, at most the buffer's size). */
  first?: number | null;
}

export interface RecentLogsOptions {
  /** Lines kept (default 2,000). */
  maxEntries?: number;
  /** Characters kept over all lines (default 4,000,000, about 4 MB of ASCII). */
  maxChars?: number;
  /** A longer line keeps only its level, time and message (default 8,192). */
  maxLineChars?: number;
  /**
   * Values that must never be shown, wherever a line has them (the master key): replaced by
   * "[redacted]" on the way in — a second guard after the logger's own redaction, which only
   * knows field names.
   */
  secrets?: readonly string[];
}

interface Line {
  text: string;
  level: number;
}

/**
 * The server's last log lines in memory — a ring buffer bounded in lines and characters — for
 * the dashboard's Logs screen. Fed by the logger's tap (config/logger.ts tapLogger) with the
 * JSON lines as written, so the logger's redaction has already applied; read newest first.
 * Writing costs a slot and a short scan for the level; lines are parsed only when read.
 */
export class RecentLogs implements LogSink {
  private readonly lines: (Line | undefined)[];
  /** Index of the next slot to write. */
  private head = 0;
  private size = 0;
  private chars = 0;
  private readonly maxChars: number;
  private readonly maxLineChars: number;
  private readonly secrets: readonly string[];

  constructor(options: RecentLogsOptions = {}) {
    this.lines = new Array(options.maxEntries ?? 2000);
    this.maxChars = options.maxChars ?? 4_000_000;
    this.maxLineChars = options.maxLineChars ?? 8192;
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  }

  /** Keeps one line (a JSON line from pino, with or without its newline). */
  write(raw: string): void {
    let text = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    for (const secret of this.secrets) if (text.includes(secret)) text = text.split(secret).join('[redacted]');
    if (text.length > this.maxLineChars) text = shorten(text);
    const level = Number(/"level":(\d+)/.exec(text)?.[1] ?? 30);
    const capacity = this.lines.length;
    const old = this.lines[this.head];
    if (old) {
      this.chars -= old.text.length;
      this.size--;
    }
    this.lines[this.head] = { text, level };
    this.head = (this.head + 1) % capacity;
    this.size++;
    this.chars += text.length;
    // Over the character bound: the oldest lines go.
    while (this.chars > this.maxChars && this.size > 1) {
      const tail = (this.head - this.size + capacity) % capacity;
      this.chars -= this.lines[tail]!.text.length;
      this.lines[tail] = undefined;
      this.size--;
    }
  }

  /** Lines kept now. */
  get length(): number {
    return this.size;
  }

  /** The newest lines first that pass the filter. An unknown level is refused (a clear Error for the caller to map). */
  read(filter: LogFilter = {}): LogEntry[] {
    const min = filter.level ? LEVELS[filter.level.toLowerCase()] : 0;
    if (min === undefined) throw new RangeError(`Unknown log level "${filter.level}" (trace, debug, info, warn, error, fatal)`);
    const first = Math.max(0, Math.min(filter.first ?? 200, this.lines.length));
    const needle = filter.contains?.toLowerCase();
    const out: LogEntry[] = [];
    const capacity = this.lines.length;
    for (let i = 1; i <= this.size && out.length < first; i++) {
      const line = this.lines[(this.head - i + capacity) % capacity]!;
      if (line.level < min) continue;
      if (needle && !line.text.toLowerCase().includes(needle)) continue;
      out.push(entryOf(line));
    }
    return out;
  }
}

/** A line too long to keep whole: its level, time and message, marked. */
function shorten(text: string): string {
  try {
    const { level, time, msg } = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify({ level, time, msg: typeof msg === 'string' ? msg.slice(0, 1000) : msg, truncated: true });
  } catch {
    return JSON.stringify({ level: 30, msg: '[a log line too long to keep]', truncated: true });
  }
}

function entryOf(line: Line): LogEntry {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line.text) as Record<string, unknown>;
  } catch {
    return { time: new Date(0).toISOString(), level: NAMES.get(line.level) ?? String(line.level), msg: line.text, data: null };
  }
  const { level: _level, time, msg, ...data } = parsed;
  return {
    time: new Date(typeof time === 'number' || typeof time === 'string' ? time : 0).toISOString(),
    level: NAMES.get(line.level) ?? String(line.level),
    msg: typeof msg === 'string' ? msg : '',
    data: Object.keys(data).length ? data : null,
  };
}
