import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3FileStorage, type S3FileStorageOptions } from '../../src/files/storage/index.ts';
import { startTestS3Server, type TestS3Server } from './storage-s3-server.ts';
import { APP_ID, MASTER, startUploadServer, type UploadServer } from './upload-harness.ts';

// PLINTH_S3_DIRECT_ACCESS: a download is a 302 to a presigned S3 GET. The bucket then answers
// the browser on its own origin, without Plinth's nosniff and sandbox policy, so the URL must
// make S3 answer with the headers Plinth would send: the safe type, and an attachment for every
// type not shown inline. The object itself is stored with them too, for reads that bypass
// Plinth (a public bucket, a CDN in front of it). Checked against s3rver, which honours
// `response-content-*` overrides as S3 does.

const XHTML = '<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(document.domain)</script></body></html>';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let s3: TestS3Server;
let options: S3FileStorageOptions;
let storage: S3FileStorage;
let admin: S3Client;
let s: UploadServer;

beforeAll(async () => {
  s3 = await startTestS3Server();
  options = {
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: s3.credentials,
    prefix: `d-${randomBytes(4).toString('hex')}/`,
    directAccess: true,
    partSize: 5 * 1024 * 1024,
    conditionalWrites: true,
  };
  storage = new S3FileStorage(options);
  admin = new S3Client({ region: options.region, endpoint: options.endpoint, forcePathStyle: true, credentials: options.credentials });
  s = await startUploadServer({}, { fileStorage: storage });
});
afterAll(async () => {
  await s?.close();
  await storage?.close();
  admin?.destroy();
  await s3?.close();
});

/** Uploads through Parse's REST API as the master key (any extension, the declared type kept). */
async function upload(name: string, body: string | Buffer, contentType: string): Promise<string> {
  const r = await s.plinth.fetch(
    new Request(`http://plinth.test/parse/files/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'x-parse-application-id': APP_ID, ...MASTER, 'content-type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    }),
  );
  expect(r.status).toBe(201);
  return ((await r.json()) as { name: string }).name;
}

/** The download's redirect target. */
async function location(name: string): Promise<URL> {
  const r = await s.plinth.fetch(new Request(`http://plinth.test/files/${APP_ID}/${encodeURIComponent(name)}`));
  expect(r.status).toBe(302);
  return new URL(r.headers.get('location')!);
}

describe('a type that could run script (XHTML declared as application/foo+xml, named x.foo)', () => {
  let name: string;
  const disposition = `attachment; filename="x.foo"; filename*=UTF-8''x.foo`;
  beforeAll(async () => {
    name = await upload('x.foo', XHTML, 'application/foo+xml');
  });

  it('the presigned URL carries response-content-type and response-content-disposition', async () => {
    const url = await location(name);
    expect(url.origin).toBe(s3.endpoint);
    expect(url.searchParams.get('response-content-type')).toBe('application/foo+xml');
    expect(url.searchParams.get('response-content-disposition')).toBe(disposition);
  });

  it('S3 answers it as an attachment of that type', async () => {
    const r = await fetch(await location(name));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe(disposition);
    expect(r.headers.get('content-type')).toBe('application/foo+xml');
    expect(await r.text()).toBe(XHTML);
  });

  it('the object is stored with the same headers: a read that bypasses Plinth is an attachment too', async () => {
    const head = await admin.send(new HeadObjectCommand({ Bucket: options.bucket, Key: options.prefix + name }));
    expect(head.ContentDisposition).toBe(disposition);
    expect(head.ContentType).toBe('application/foo+xml');
    // A URL made without overrides (as a CDN or a public bucket serves the object).
    const plain = await getSignedUrl(admin, new GetObjectCommand({ Bucket: options.bucket, Key: options.prefix + name }), { expiresIn: 60 });
    const r = await fetch(plain);
    expect(r.headers.get('content-disposition')).toBe(disposition);
  });
});

it('a Unicode name keeps its escaping through the presigned URL', async () => {
  const name = await upload('résumé "1".xml', '<?xml version="1.0"?><a/>', 'application/xml');
  const disposition = `attachment; filename="r_sum_ _1_.xml"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.xml`;
  const url = await location(name);
  expect(url.searchParams.get('response-content-disposition')).toBe(disposition);
  const r = await fetch(url);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-disposition')).toBe(disposition);
  expect(r.headers.get('content-type')).toBe('application/xml');
});

describe('types shown inline', () => {
  it('text: the URL asks for charset=utf-8 and no attachment', async () => {
    const name = await upload('notes.txt', 'plain words', 'text/plain');
    const url = await location(name);
    expect(url.searchParams.get('response-content-type')).toBe('text/plain; charset=utf-8');
    expect(url.searchParams.has('response-content-disposition')).toBe(false);
    const r = await fetch(url);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBeNull();
  });

  it('an image: its type, no attachment, none stored with the object', async () => {
    const name = await upload('pixel.png', PNG, 'image/png');
    const url = await location(name);
    expect(url.searchParams.get('response-content-type')).toBe('image/png');
    expect(url.searchParams.has('response-content-disposition')).toBe(false);
    const head = await admin.send(new HeadObjectCommand({ Bucket: options.bucket, Key: options.prefix + name }));
    expect(head.ContentDisposition).toBeUndefined();
  });
});

describe('the adapter on its own', () => {
  it('a file larger than a part (a multipart upload) is stored with the attachment too', async () => {
    const size = options.partSize + 1;
    await storage.put(
      'big.xml',
      (async function* () {
        yield Buffer.alloc(size, 0x20);
      })(),
      { contentType: 'application/xml' },
    );
    const head = await admin.send(new HeadObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}big.xml` }));
    expect(head.ContentLength).toBe(size);
    expect(head.ContentType).toBe('application/xml');
    expect(head.ContentDisposition).toBe(`attachment; filename="big.xml"; filename*=UTF-8''big.xml`);
  });

  it('a direct URL asked without headers is an attachment of application/octet-stream', async () => {
    await storage.put(
      'bare.svg',
      (async function* () {
        yield Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      })(),
      { contentType: 'image/svg+xml' },
    );
    const url = new URL((await storage.directUrl('bare.svg', 60))!);
    expect(url.searchParams.get('response-content-type')).toBe('application/octet-stream');
    expect(url.searchParams.get('response-content-disposition')).toBe(`attachment; filename="bare.svg"; filename*=UTF-8''bare.svg`);
  });
});
