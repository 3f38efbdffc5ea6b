import { isMultipart } from '../plugins/use-uploads.ts';

/**
 * Whether a request is a file upload to the GraphQL endpoint: a multipart POST to exactly
 * `graphqlPath`. Such a request is exempt from the JSON body limit (server/body-limit.ts): its
 * files stream to storage under the upload limits (PLINTH_FILE_MAX_BYTES, _MAX_FILES) and its
 * `operations` field is held to the body limit instead.
 */
export function isGraphQLUpload(method: string | undefined, url: string | undefined, contentType: string | null | undefined, graphqlPath: string): boolean {
  if (!isMultipart(method, contentType) || !url) return false;
  const path = url.startsWith('/') ? url.split('?')[0] : new URL(url).pathname;
  return path === graphqlPath;
}
