import { stackFrames } from '../source-location.ts';
import { originalPosition } from './source-maps.ts';

/** Where a cloud file failed: the file, and the line and column when they are known. */
export interface LoadErrorLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * The cloud file could not be loaded: a syntax error, a throw while its modules ran, a missing
 * or wrong default export. The message starts with `file:line:column` (the user's own lines,
 * TypeScript included), so a terminal or editor can open it.
 */
export class CloudLoadError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /**
   * The local files the failed load read, the failing one included: what to keep watching so
   * that saving the fix reloads.
   */
  files: string[] = [];

  constructor(detail: string, location: LoadErrorLocation, options?: { cause?: unknown }) {
    const where = [location.file, location.line, location.line === undefined ? undefined : location.column].filter((part) => part !== undefined).join(':');
    super(`Cannot load cloud code: ${where}: ${detail}`, options);
    this.name = 'CloudLoadError';
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
  }
}

/**
 * Turns what a cloud module threw while loading into a CloudLoadError naming the place: the
 * innermost stack frame in one of the load's own files (mapped back to the user's source), or
 * else the entry file.
 */
export function toLoadError(thrown: unknown, entry: string, files: ReadonlySet<string>): CloudLoadError {
  if (thrown instanceof CloudLoadError) return thrown;
  const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : `threw ${describe(thrown)}`;
  const stack = thrown instanceof Error ? thrown.stack : undefined;
  const frame = stack ? stackFrames(stack).find((f) => files.has(f.file)) : undefined;
  const location = frame ? { file: frame.file, ...originalPosition(frame.file, frame.line, frame.column) } : { file: entry };
  return new CloudLoadError(detail, location, { cause: thrown });
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return typeof value;
  }
}
