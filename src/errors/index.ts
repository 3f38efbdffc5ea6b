export { ErrorCode, type ErrorCodeValue } from './codes.ts';
export { ParseError, errors } from './parse-error.ts';
