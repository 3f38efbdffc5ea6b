// A local S3-compatible server for the S3 adapter's tests: s3rver on a free loopback port, its data
// in the directory given, in a process of its own (so that the tests' memory figures are theirs
// alone), run with --openssl-legacy-provider (its listing tokens use DES). Prints {"port": n} once
// listening; exits when its standard input closes (the parent went).
//
// s3rver has no ListMultipartUploads nor AbortMultipartUpload, and takes parts for an upload that
// does not exist; the tests need S3's behaviour there (sweep lists and aborts old incomplete
// uploads; an aborted upload is gone), so a small middleware answers those from s3rver's own
// upload folders, as S3 documents them.
import { createReadStream } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const xml = (text) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function listMultipartUploads(ctx, next) {
  const match = /^\/([^/]+)\/?$/.exec(ctx.path);
  if (ctx.method !== 'GET' || !match || !('uploads' in ctx.query)) return next();
  const dir = path.join(directory, match[1], '._S3rver_uploads');
  const prefix = ctx.query.prefix ?? '';
  const uploads = [];
  for (const id of await readdir(dir).catch(() => [])) {
    const keyFile = path.join(dir, id, 'key');
    const key = await readFile(keyFile, 'utf8').catch(() => undefined);
    if (key === undefined || !key.startsWith(prefix)) continue;
    uploads.push(`<Upload><Key>${xml(key)}</Key><UploadId>${id}</UploadId><Initiated>${(await stat(keyFile)).mtime.toISOString()}</Initiated></Upload>`);
  }
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(match[1])}</Bucket><Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
}

const noSuchUpload = (ctx) => {
  ctx.status = 404;
  ctx.type = 'application/xml';
  ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
};

/** AbortMultipartUpload, and NoSuchUpload for parts or completion of an upload that is not there. */
async function multipartUploads(ctx, next) {
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  const uploadId = ctx.query.uploadId;
  if (!match || typeof uploadId !== 'string' || !/^[0-9a-f]+$/.test(uploadId)) return next();
  const dir = path.join(directory, match[1], '._S3rver_uploads', uploadId);
  const exists = await stat(path.join(dir, 'key')).then(
    () => true,
    () => false,
  );
  if (!exists) return noSuchUpload(ctx);
  if (ctx.method !== 'DELETE') return next();
  await rm(dir, { recursive: true, force: true });
  ctx.status = 204;
}

// An aborted upload's folder is removed (above) while a part of it may still be streaming to disk:
// S3 drops such a part, s3rver's write stream throws ENOENT with no listener. That stray part is
// S3's business, not the test's: ignore it; anything else still ends this process.
process.on('uncaughtException', (error) => {
  if (error?.code === 'ENOENT' && String(error.path ?? '').includes('._S3rver_uploads')) return;
  console.error(error);
  process.exit(1);
});

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
server.middleware.unshift(listMultipartUploads, multipartUploads);

// s3rver reads `Range: bytes=0-0` as the whole object (an end of 0 counts as none); S3 answers the first byte.
const getObject = server.store.getObject.bind(server.store);
server.store.getObject = async (bucket, key, options) => {
  if (options?.start !== 0 || options?.end !== 0) return getObject(bucket, key, options);
  const object = await getObject(bucket, key, {});
  if (!object?.content) return object;
  object.content.destroy();
  object.content = object.size > 0 ? createReadStream(server.store.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 }) : null;
  object.range = { start: 0, end: 0 };
  return object;
};
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
