import { ErrorCode, ParseError } from '../../errors/index.ts';

/** The error of a validator that refused: 142 with Parse's message. */
export function validationError(message: string): ParseError {
  return new ParseError(ErrorCode.VALIDATION_ERROR, message);
}

/**
 * Turns whatever a validator (or a handler) threw into the ParseError the client gets, as
 * Parse's `resolveError` does: a ParseError as it is; any value with a numeric `code` keeps
 * that code; a string or an Error becomes `fallback.code` with its message; nothing at all
 * (`throw undefined`, a rejected promise without a reason) becomes the fallback itself.
 * Runs where a validator's or handler's failure leaves cloud code.
 */
export function resolveError(
  thrown: unknown,
  fallback: { code: number; message: string } = { code: ErrorCode.VALIDATION_ERROR, message: 'Validation failed.' },
): ParseError {
  if (thrown instanceof ParseError) return thrown;
  if (!thrown) return new ParseError(fallback.code, fallback.message);
  const code = typeof (thrown as { code?: unknown }).code === 'number' ? (thrown as { code: number }).code : fallback.code;
  const error = new ParseError(code, messageOf(thrown) || fallback.message);
  if (thrown instanceof Error && thrown.stack) error.stack = thrown.stack;
  return error;
}

/** A thrown value's message: its own string, its `message`, or its JSON (Parse sends objects as they are). */
export function messageOf(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  const message = (thrown as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  if (typeof thrown === 'object' && thrown !== null) {
    try {
      return JSON.stringify(thrown);
    } catch {
      return String(thrown);
    }
  }
  return String(thrown);
}
