/**
 * A database failure with PostgreSQL's SQLSTATE, whichever driver produced it. Callers test
 * `code` (e.g. 23505 unique violation) to turn expected failures into Parse errors; anything
 * else reaches the GraphQL boundary and is masked as an internal error.
 */
export class DatabaseError extends Error {
  readonly code: string | undefined;
  readonly sql: string;

  constructor(message: string, code: string | undefined, sql: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DatabaseError';
    this.code = code;
    this.sql = sql;
  }
}

export const SqlState = {
  UNIQUE_VIOLATION: '23505',
  UNDEFINED_TABLE: '42P01',
  UNDEFINED_COLUMN: '42703',
  DUPLICATE_TABLE: '42P07',
  DUPLICATE_COLUMN: '42701',
  INVALID_TEXT_REPRESENTATION: '22P02',
  INVALID_REGEX: '2201B',
  QUERY_CANCELED: '57014',
} as const;

export function toDatabaseError(error: unknown, sql: string): unknown {
  if (error instanceof DatabaseError) return error;
  const e = error as { name?: string; message?: string; code?: string; cause?: { originalCode?: string; originalMessage?: string; kind?: string } };
  if (e?.name === 'DriverAdapterError' && e.cause && typeof e.cause === 'object') {
    const code = e.cause.originalCode ?? (e.cause.kind === 'UniqueConstraintViolation' ? SqlState.UNIQUE_VIOLATION : undefined);
    return new DatabaseError(e.cause.originalMessage ?? e.message ?? 'database error', code, sql, error);
  }
  if (e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return new DatabaseError(e.message ?? 'database error', e.code, sql, error);
  return error;
}

/** SQLSTATEs of a server going away: connection exceptions (class 08) and admin shutdown / crash / cannot connect now. */
const UNAVAILABLE_STATES = /^(08...|57P01|57P02|57P03)$/;
/** Node's codes for a server that cannot be reached or dropped the connection. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** What the driver adapters call a database they cannot reach or lost. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TlsConnectionError']);

/**
 * Whether a failure means the database is unreachable or went away (a restart, a network cut)
 * rather than a fault of the request or of Plinth: it is answered as such and logged briefly,
 * and the pool replaces its connections by itself once the server is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, kind, message } = e as { code?: unknown; kind?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || NETWORK_CODES.has(code))) return true;
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && /Connection terminated|ECONNREFUSED|ECONNRESET/.test(message)) return true;
  }
  return false;
}
