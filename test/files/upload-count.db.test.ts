import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { session, startUploadServer, type UploadRequest, type UploadServer } from './upload-harness.ts';

// PLINTH_FILE_MAX_FILES at its boundary, through a GraphQL multipart request: exactly the
// maximum is taken, one more is refused (413) with nothing stored. Busboy reports its `parts`
// limit when the count reaches it, which once refused a request of exactly the maximum.

/** A request of `n` createFile operations, one file each (`operations`, `map`, then the n files). */
function files(n: number): UploadRequest {
  const vars = Array.from({ length: n }, (_, i) => `v${i}`);
  return {
    query: `mutation(${vars.map((v) => `$${v}: Upload!`).join(', ')}) { ${vars.map((v, i) => `a${i}: createFile(input: { upload: $${v} }) { fileInfo { name } }`).join(' ')} }`,
    variables: Object.fromEntries(vars.map((v) => [v, null])),
    map: Object.fromEntries(vars.map((v, i) => [String(i), [`variables.${v}`]])),
    files: vars.map((_, i) => ({ filename: `f${i}.txt`, type: 'text/plain', content: `file ${i}` })),
  };
}

describe.each([
  ['the default (10)', undefined, 10],
  ['a configured maximum (3)', 3, 3],
])('PLINTH_FILE_MAX_FILES: %s', (_label, maxFiles, max) => {
  let s: UploadServer;
  let user: Record<string, string>;
  beforeAll(async () => {
    s = await startUploadServer(maxFiles === undefined ? {} : { files: { maxFiles } });
    user = session((await s.signUp()).token);
  });
  afterAll(() => s?.close());
  beforeEach(() => s.storage.files.clear());

  it(`${max} files in one request: all stored`, async () => {
    const r = await s.upload(files(max), user);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(Object.keys(r.data)).toHaveLength(max);
    expect(s.storage.names()).toHaveLength(max);
  });

  it(`${max + 1} files: 413, nothing stored`, async () => {
    const puts = s.storage.puts;
    const r = await s.upload(files(max + 1), user);
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ errors: [{ message: `A request may upload at most ${max} files.`, extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }] });
    expect(s.storage.puts).toBe(puts);
    expect(s.storage.names()).toEqual([]);
  });

  it(`${max + 1} file parts for a map of ${max}: refused, nothing stored`, async () => {
    const request = files(max);
    const r = await s.upload({ ...request, files: [...request.files, { field: 'extra', filename: 'extra.txt', type: 'text/plain', content: 'x' }] }, user);
    expect([400, 413]).toContain(r.status);
    expect(s.storage.names()).toEqual([]);
  });
});
