export { FileDownloads } from './downloads.ts';
export { FileLinks, cannotLink, UPLOADER_METADATA_KEY, type FileLinksDeps } from './links.ts';
export { UrlSigner, EXPIRES_PARAM, SIGNATURE_PARAM } from './signing.ts';
export { fileLinkHook } from './link-hook.ts';
