import { randomBytes } from 'node:crypto';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { S3FileStorage, type S3FileStorageOptions } from '../../src/files/storage/index.ts';
import { decodeMetadata, encodeMetadata } from '../../src/files/storage/s3/metadata.ts';
import { FileExists } from '../../src/files/types.ts';
import { fileStorageConformance, readAll } from '../conformance/files.ts';
import { startTestS3Server, type TestS3Server } from './storage-s3-server.ts';

const MiB = 1024 * 1024;
let server: Promise<TestS3Server> | undefined;
afterAll(async () => (await server)?.close());

/** The adapter's settings for a fresh prefix of the test bucket: production defaults, direct access on. */
async function settings(overrides: Partial<S3FileStorageOptions> = {}): Promise<S3FileStorageOptions> {
  const s3 = await (server ??= startTestS3Server());
  return {
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: s3.credentials,
    prefix: `t-${randomBytes(4).toString('hex')}/`,
    directAccess: true,
    partSize: 5 * MiB,
    conditionalWrites: true,
    ...overrides,
  };
}

const clientFor = (o: S3FileStorageOptions) =>
  new S3Client({ region: o.region, endpoint: o.endpoint, forcePathStyle: o.forcePathStyle, credentials: o.credentials });

const pieces = async function* (text: string) {
  yield Buffer.from(text);
};

fileStorageConformance(
  'S3 (s3rver)',
  async () => {
    const options = await settings();
    const admin = clientFor(options);
    const Bucket = options.bucket;
    return {
      storage: new S3FileStorage(options),
      // A crash mid-put leaves a multipart upload with parts and no completion.
      async leaveInterruptedPut(name) {
        const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket, Key: options.prefix + name }));
        await admin.send(new UploadPartCommand({ Bucket, Key: options.prefix + name, UploadId, PartNumber: 1, Body: Buffer.alloc(1024) }));
      },
      async leftovers() {
        const page = await admin.send(new ListMultipartUploadsCommand({ Bucket, Prefix: options.prefix }));
        return page.Uploads?.length ?? 0;
      },
      close: async () => admin.destroy(),
    };
  },
  {
    storesAfterBytes: 5 * MiB + 1,
    skip: {
      'of two puts of one name at the same time, one is stored and the other refused':
        's3rver ignores If-None-Match: *, so both puts succeed there; AWS S3, MinIO and R2 refuse the second (see "sends If-None-Match")',
    },
  },
);

describe('S3FileStorage', () => {
  it('keeps files under the prefix, with plain x-amz-meta headers (RFC 2047 for what is not ASCII)', async () => {
    const options = await settings();
    const storage = new S3FileStorage(options);
    const admin = clientFor(options);
    try {
      await storage.put('a b.txt', pieces('x'), { contentType: 'text/plain', metadata: { note: 'plain', author: 'Zoë' } });
      const listed = await admin.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: options.prefix }));
      expect(listed.Contents?.map((c) => c.Key)).toEqual([`${options.prefix}a b.txt`]);
      const head = await admin.send(new HeadObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}a b.txt` }));
      expect(head.Metadata).toEqual({ note: 'plain', author: '=?UTF-8?B?Wm/Dqw==?=' });
    } finally {
      await storage.close();
      admin.destroy();
    }
  });

  it('lists only flat names below the prefix', async () => {
    const options = await settings();
    const storage = new S3FileStorage(options);
    const admin = clientFor(options);
    try {
      await admin.send(new PutObjectCommand({ Bucket: options.bucket, Key: `${options.prefix}folder/inner.txt`, Body: 'x' }));
      await storage.put('top.txt', pieces('x'), { contentType: 'text/plain' });
      expect((await storage.list()).files.map((f) => f.name)).toEqual(['top.txt']);
    } finally {
      await storage.close();
      admin.destroy();
    }
  });

  it('gives no direct URL unless direct access is configured', async () => {
    const storage = new S3FileStorage(await settings({ directAccess: false }));
    await storage.put('private.txt', pieces('x'), { contentType: 'text/plain' });
    expect(await storage.directUrl('private.txt', 60)).toBeUndefined();
    await storage.close();
  });

  it('sends If-None-Match: * on the request that creates the object, and refuses the name when the store answers 412', async () => {
    const options = await settings({ partSize: 5 * MiB });
    const client = clientFor(options);
    const seen: { command: string; ifNoneMatch?: string }[] = [];
    let refuse = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        seen.push({ command: context.commandName ?? '', ifNoneMatch: request.headers['if-none-match'] });
        if (refuse && context.commandName === 'CompleteMultipartUploadCommand') {
          throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
            name: 'PreconditionFailed',
            $metadata: { httpStatusCode: 412 },
          });
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'watchConditions' },
    );
    const storage = new S3FileStorage({ ...options, client });
    await storage.put('small.txt', pieces('x'), { contentType: 'text/plain' });
    expect(seen.find((s) => s.command === 'PutObjectCommand')?.ifNoneMatch).toBe('*');
    refuse = true;
    const big = async function* () {
      for (let i = 0; i < 12; i++) yield Buffer.alloc(MiB, i);
    };
    await expect(storage.put('big.bin', big(), { contentType: 'application/octet-stream' })).rejects.toBeInstanceOf(FileExists);
    expect(seen.find((s) => s.command === 'CompleteMultipartUploadCommand')?.ifNoneMatch).toBe('*');
    expect(seen.find((s) => s.command === 'UploadPartCommand')?.ifNoneMatch).toBeUndefined();
    expect(await storage.stat('big.bin')).toBeUndefined();
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: options.bucket, Prefix: options.prefix }));
    expect(uploads.Uploads ?? []).toEqual([]); // the refused upload was aborted
    client.destroy();
  });

  it('sends no condition when conditional writes are off', async () => {
    const options = await settings({ conditionalWrites: false });
    const client = clientFor(options);
    const conditions: (string | undefined)[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        conditions.push((args.request as { headers: Record<string, string> }).headers['if-none-match']);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'watchConditions' },
    );
    const storage = new S3FileStorage({ ...options, client });
    await storage.put('plain.txt', pieces('x'), { contentType: 'text/plain' });
    expect(conditions.filter(Boolean)).toEqual([]);
    expect((await readAll(await storage.read('plain.txt')))?.toString()).toBe('x');
    client.destroy();
  });
});

describe('S3 metadata headers', () => {
  it('round-trips any text, keeps printable ASCII as it is, and refuses keys that cannot be header names', () => {
    const metadata = { a: 'plain text', b: 'Zoë', c: ' edges ', d: '', e: '=?looks encoded?=', f: '日本語\n' };
    const encoded = encodeMetadata(metadata);
    expect(encoded.a).toBe('plain text');
    for (const value of Object.values(encoded)) expect(value).toMatch(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/);
    expect(decodeMetadata(encoded)).toEqual(metadata);
    expect(() => encodeMetadata({ 'bad key': 'x' })).toThrow(TypeError);
    expect(() => encodeMetadata({ clé: 'x' })).toThrow(TypeError);
  });

  it('stores a file cut into parts at any boundary: exactly one part, exactly two, two and a byte, from odd-sized chunks', async () => {
    const options = await settings({ partSize: 5 * MiB });
    const client = clientFor(options);
    const sent: { command: string; length?: number }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const body = (args.request as { body?: Uint8Array }).body;
        sent.push({ command: context.commandName ?? '', length: body instanceof Uint8Array ? body.byteLength : undefined });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'watchParts' },
    );
    const storage = new S3FileStorage({ ...options, client });
    const chunk = 777 * 1024 + 13;
    for (const size of [5 * MiB, 10 * MiB, 10 * MiB + 1]) {
      const content = randomBytes(size);
      const chunks = async function* () {
        for (let at = 0; at < size; at += chunk) yield content.subarray(at, at + chunk);
      };
      sent.length = 0;
      await storage.put(`parts-${size}.bin`, chunks(), { contentType: 'application/octet-stream' });
      const parts = sent.filter((s) => s.command === 'UploadPartCommand').map((s) => s.length);
      expect(parts).toEqual(size === 5 * MiB ? [5 * MiB] : size === 10 * MiB ? [5 * MiB, 5 * MiB] : [5 * MiB, 5 * MiB, 1]);
      const back = await readAll((await storage.read(`parts-${size}.bin`))!);
      expect(back?.equals(content)).toBe(true);
    }
    client.destroy();
  });
});
