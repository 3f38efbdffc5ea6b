import { ErrorCode, ParseError } from '../errors/index.ts';

/** Parse's INVALID_FILE_NAME. */
export const INVALID_FILE_NAME = 122;

/**
 * The refusals of an upload, in the words of Parse Server's REST API (FilesRouter): error 130
 * for the upload, 122 for its name. Parse's own GraphQL layer re-words them all as "Could not
 * store file"; Plinth's GraphQL answers these.
 */
export const fileErrors = {
  disabled: () => new ParseError(ErrorCode.FILE_SAVE_ERROR, 'File uploads are not enabled on this server.'),
  publicDisabled: () => new ParseError(ErrorCode.FILE_SAVE_ERROR, 'File upload by public is disabled.'),
  anonymousDisabled: () => new ParseError(ErrorCode.FILE_SAVE_ERROR, 'File upload by anonymous user is disabled.'),
  authenticatedDisabled: () => new ParseError(ErrorCode.FILE_SAVE_ERROR, 'File upload by authenticated user is disabled.'),
  extensionDisabled: (extension: string) => new ParseError(ErrorCode.FILE_SAVE_ERROR, `File upload of extension ${extension} is disabled.`),
  /** An empty file, a missing one, or an input that names none. */
  invalidUpload: () => new ParseError(ErrorCode.FILE_SAVE_ERROR, 'Invalid file upload.'),
  tooLarge: (maxBytes: number) => new ParseError(ErrorCode.FILE_SAVE_ERROR, `File size exceeds maximum allowed: ${maxBytes} bytes.`, 413),
  /** The content is of another kind than the name says (a PDF named .png). */
  contentMismatch: (sniffed: string, extension: string) =>
    new ParseError(ErrorCode.FILE_SAVE_ERROR, `The file's content (${sniffed}) does not match its extension ${extension}.`),
  couldNotStore: (name: string) => new ParseError(ErrorCode.FILE_SAVE_ERROR, `Could not store file: ${name}.`),
  nameTooLong: () => new ParseError(INVALID_FILE_NAME, 'Filename too long.'),
  nameInvalid: () => new ParseError(INVALID_FILE_NAME, 'Filename contains invalid characters.'),
};
