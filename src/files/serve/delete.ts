import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import { isValidFileName } from './name.ts';

/**
 * Deletes a stored file on behalf of `auth`, with the file triggers around it (the server gives
 * FileService.deleteStoredFile); false when there was none.
 */
export type FileRemover = (name: string, auth: Auth) => Promise<boolean>;

export const invalidFileName = () => new ParseError(ErrorCode.INVALID_FILE_NAME, 'Invalid file name.');
export const couldNotDelete = () => new ParseError(ErrorCode.FILE_DELETE_ERROR, 'Could not delete file.');

/**
 * Deletes one file as Parse's `DELETE /files/<name>` does (the caller has checked the master
 * key): 122 for a name no file can have, 153 `Could not delete file.` when there is no such
 * file or the store fails (the failure is for the server log); an error a file trigger throws
 * reaches the client as it is.
 */
export async function deleteFile(remove: FileRemover, name: string, auth: Auth, onFailure?: (error: unknown) => void): Promise<void> {
  if (!isValidFileName(name)) throw invalidFileName();
  let removed: boolean;
  try {
    removed = await remove(name, auth);
  } catch (error) {
    if (error instanceof ParseError) throw error;
    onFailure?.(error);
    throw couldNotDelete();
  }
  if (!removed) throw couldNotDelete();
}
