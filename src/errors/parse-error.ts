import { ErrorCode } from './codes.ts';

/**
 * An error the client is meant to see: a Parse numeric code and a message. Resolvers throw
 * these; the GraphQL boundary puts the code in `extensions.code`. `httpStatus` is used only
 * where an error ends the request before GraphQL runs (app id, session token).
 */
export class ParseError extends Error {
  readonly code: number;
  readonly httpStatus: number;

  constructor(code: number, message: string, httpStatus = 400) {
    super(message);
    this.name = 'ParseError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** The error catalogue: one constructor per message the API documents. */
export const errors = {
  objectNotFound: () => new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'Object not found.'),
  invalidQuery: (message: string) => new ParseError(ErrorCode.INVALID_QUERY, message),
  classNotFound: (className: string) => new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class ${className} does not exist.`),
  classExists: (className: string) => new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class ${className} already exists.`),
  invalidClassName: (className: string) =>
    new ParseError(
      ErrorCode.INVALID_CLASS_NAME,
      `Invalid classname: ${className}, classnames can only have alphanumeric characters and _, and must start with an alpha character `,
    ),
  duplicateField: (field: string) => new ParseError(ErrorCode.INVALID_KEY_NAME, `Duplicated field name: ${field}`),
  invalidFieldName: (field: string) => new ParseError(ErrorCode.INVALID_KEY_NAME, `Invalid field name: ${field}.`),
  fieldNotFound: (field: string) => new ParseError(ErrorCode.INVALID_KEY_NAME, `Field ${field} does not exist, cannot delete.`),
  incorrectType: (message: string) => new ParseError(ErrorCode.INCORRECT_TYPE, message),
  invalidPointer: (message: string) => new ParseError(ErrorCode.INVALID_POINTER, message),
  masterKeyRequired: () => new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'unauthorized: master key is required'),
  forbidden: (message = 'Permission denied') => new ParseError(ErrorCode.OPERATION_FORBIDDEN, message),
  invalidAcl: (message = 'Invalid ACL.') => new ParseError(ErrorCode.INVALID_ACL, message),
  duplicateValue: () => new ParseError(ErrorCode.DUPLICATE_VALUE, 'A duplicate value for a field with unique values was provided'),
  classNotEmpty: (className: string, count: number) =>
    new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Class ${className} is not empty, contains ${count} objects, cannot drop schema.`),
  invalidJson: (message: string) => new ParseError(ErrorCode.INVALID_JSON, message),
  invalidSessionToken: () => new ParseError(ErrorCode.INVALID_SESSION_TOKEN, 'Invalid session token', 400),
  internal: () => new ParseError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', 500),
};
