export { FileService, type FileServiceDeps } from './service.ts';
export { claimUpload, RequestUploads, UploadToken, type StoredUpload } from './request-uploads.ts';
export type { UploadSource } from './save-upload.ts';
export { fileErrors, INVALID_FILE_NAME } from './errors.ts';
export { cleanFileName, givenName, storedFileName } from './names.ts';
export type { FileStorage, StoredFile, PutOptions } from './types.ts';
export { FileTooLarge } from './types.ts';
