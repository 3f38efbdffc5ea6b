export { serveFile, fileError, notFound, type ServePolicy } from './respond.ts';
export { fileNameOfSegment, isValidFileName, displayName, MAX_FILE_NAME_BYTES } from './name.ts';
export { parseRange, MAX_RANGES, type RangeRequest } from './ranges.ts';
export { FILE_SECURITY_HEADERS, servedInline, contentTypeOf, contentHeaders, withCharset, type ContentHeaders } from './content-type.ts';
export { deleteFile, invalidFileName, type FileRemover } from './delete.ts';
export { FILE_REQUEST_HEADERS, FILE_RESPONSE_HEADERS, withNames } from './cors.ts';
