// How each server takes a file and gives it back. Plinth: a GraphQL multipart request
// (graphql-multipart-request-spec) to its GraphQL endpoint, `createFile(input: { upload })`.
// Parse Server: its REST route `POST /parse/files/<name>` with the file as the raw body — its
// fastest path (its GraphQL createFile has graphql-upload spool the file to a temporary file,
// then posts it to this same REST route over HTTP).
// Both with the master key, so that no upload-permission setting matters; downloads without
// credentials, as a browser's <img src> fetches them.

/** The uploaded file's name and type: `.bin` passes both servers' default extension rules. */
export const FILE_NAME = 'b.bin';
export const FILE_TYPE = 'application/octet-stream';
export const MiB = 1024 * 1024;

const BOUNDARY = '----plinth-bench-files-7d3f9a61c2e84b05';
const OPERATIONS = JSON.stringify({
  query: 'mutation($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name url } } }',
  variables: { f: null },
});

/**
 * The multipart body around the file's bytes: `operations`, `map` (the file part "0" goes to
 * `variables.f`), then the file part's headers (head) and the closing boundary (tail).
 */
function multipartFrame() {
  const field = (name, value) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head =
    field('operations', OPERATIONS) +
    field('map', JSON.stringify({ 0: ['variables.f'] })) +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="${FILE_NAME}"\r\nContent-Type: ${FILE_TYPE}\r\n\r\n`;
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`) };
}

/**
 * The upload request of a server (`mode` plinth or parse): its path and headers, how a file's
 * bytes are framed (`head` and `tail` around them; empty for Parse's raw body), the status of a
 * success, and how the answer gives the stored file's URL.
 * `parseStream`: Parse's `X-Parse-Upload-Mode: stream` (Parse 9), which skips its base64 round trip.
 */
export function uploadProtocol(mode, { appId, masterKey, parseStream = false }) {
  const credentials = { 'x-parse-application-id': appId, 'x-parse-master-key': masterKey };
  if (mode === 'parse') {
    return {
      path: `/parse/files/${FILE_NAME}`,
      headers: { ...credentials, 'content-type': FILE_TYPE, ...(parseStream ? { 'x-parse-upload-mode': 'stream' } : {}) },
      head: Buffer.alloc(0),
      tail: Buffer.alloc(0),
      okStatus: 201,
      urlOf: (text) => JSON.parse(text).url,
    };
  }
  const { head, tail } = multipartFrame();
  return {
    path: '/graphql',
    headers: { ...credentials, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    head,
    tail,
    okStatus: 200,
    urlOf: (text) => {
      const answer = JSON.parse(text);
      if (answer.errors) throw new Error(`GraphQL errors: ${text.slice(0, 300)}`);
      return answer.data?.createFile?.fileInfo?.url;
    },
  };
}

/**
 * The path to GET a stored file by, on the server's own origin: the URL a server answers is
 * built from its public URL (Plinth's defaults to http://localhost:<port>), which need not be
 * the loopback address the bench talks to.
 */
export function downloadPath(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}
