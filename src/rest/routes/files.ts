import { deleteStoredFile } from '../files/delete.ts';
import { downloadFile } from '../files/download.ts';
import { uploadFile, uploadWithoutName } from '../files/upload.ts';
import type { RestRoute } from '../router.ts';

/** Files: upload (the body is the file), delete (master key), download (a redirect, no credentials). */
export const filesRoutes: RestRoute[] = [
  { method: 'POST', path: 'files', handler: uploadWithoutName, rawBody: true },
  { method: 'POST', path: 'files/:filename', handler: uploadFile, rawBody: true },
  { method: 'DELETE', path: 'files/:filename', handler: deleteStoredFile },
  { method: 'DELETE', path: 'files/:appId/:filename', handler: deleteStoredFile },
  { method: 'GET', path: 'files/:appId/:filename', handler: downloadFile, public: true },
];
