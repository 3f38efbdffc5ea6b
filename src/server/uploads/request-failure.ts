/**
 * A multipart request refused for its form (malformed, misordered, over a count or size
 * limit), answered like the server's other request-level failures: Yoga's string codes and an
 * HTTP status (400, or 413 with the body limit's `REQUEST_ENTITY_TOO_LARGE`).
 */
export class RequestFailure extends Error {
  private constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }

  static badRequest(message: string): RequestFailure {
    return new RequestFailure(message, 400, 'BAD_REQUEST');
  }

  static tooLarge(message: string): RequestFailure {
    return new RequestFailure(message, 413, 'REQUEST_ENTITY_TOO_LARGE');
  }
}
