import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3StorageConfig } from '../../../config/files-storage.ts';
import { contentHeaders, contentTypeOf } from '../../serve/content-type.ts';
import { FileExists, type ByteRange, type DirectResponse, type FilePage, type FileStorage, type PutOptions, type StoredFile } from '../../types.ts';
import { Meter, metered } from '../meter.ts';
import { checkName, checkRange, pageLimit } from '../names.ts';
import { decodeMetadata, encodeMetadata } from './metadata.ts';
import { uploadStream } from './multipart.ts';

export type S3FileStorageOptions = Omit<S3StorageConfig, 'adapter'> & {
  /** A client of your own (tests, custom middleware); otherwise one is made from the settings. */
  client?: S3Client;
};

/** How many HEAD requests one listing page sends at once (a listing gives no content type or metadata). */
const LIST_CONCURRENCY = 8;

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const nameOf = (error: unknown) => (error as Error)?.name;

/**
 * An S3-compatible bucket. A put streams (multipart.ts): one PutObject for a file that fits in a
 * part, otherwise a multipart upload of `partSize` parts, one sent while the next is read —
 * memory stays at two parts whatever the size. An object exists only once
 * S3 has it whole (PutObject or CompleteMultipartUpload), so a failure, the size limit or an
 * abort leaves nothing visible; the multipart upload is aborted, and what a crash leaves is
 * aborted by `sweep` (a bucket lifecycle rule for incomplete uploads does the same).
 */
export class S3FileStorage implements FileStorage {
  readonly kind = 's3';
  readonly client: S3Client;
  private readonly ownClient: boolean;

  constructor(private readonly options: S3FileStorageOptions) {
    const { region, endpoint, forcePathStyle, credentials } = options;
    this.ownClient = !options.client;
    this.client = options.client ?? new S3Client({ region, endpoint, forcePathStyle, credentials });
  }

  private key(name: string): string {
    return this.options.prefix + checkName(name);
  }

  async put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile> {
    const { bucket, partSize, conditionalWrites } = this.options;
    const Key = this.key(name);
    options.signal?.throwIfAborted();
    // Refuse a taken name before reading the body; If-None-Match decides a race where supported.
    if (await this.stat(name)) throw new FileExists(name);
    // The object's own headers are those Plinth serves it with: a read straight from the bucket
    // (a public bucket, a CDN in front of it) gets an attachment for anything that could run script.
    const content = contentHeaders(name, options.contentType);
    const params = {
      Bucket: bucket,
      Key,
      ContentType: contentTypeOf(options.contentType),
      ContentDisposition: content.disposition,
      Metadata: encodeMetadata(options.metadata),
      ...(conditionalWrites ? { IfNoneMatch: '*' } : {}),
    };
    try {
      await uploadStream(this.client, params, metered(body, options, new Meter()), partSize);
    } catch (error) {
      // 412: the name was taken meanwhile; 409: another upload of it completed at the same moment.
      if (conditionalWrites && (statusOf(error) === 412 || nameOf(error) === 'ConditionalRequestConflict')) throw new FileExists(name);
      throw error;
    }
    const stored = await this.stat(name);
    if (!stored) throw new Error(`S3 accepted ${JSON.stringify(name)} but does not show it`);
    return stored;
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(name) }));
      return {
        name,
        size: head.ContentLength ?? 0,
        contentType: head.ContentType ?? 'application/octet-stream',
        etag: (head.ETag ?? '').replace(/"/g, ''),
        createdAt: head.LastModified ?? new Date(0),
        metadata: decodeMetadata(head.Metadata),
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async read(name: string, range?: ByteRange): Promise<Readable | undefined> {
    const r = range && checkRange(range);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(name), Range: r ? `bytes=${r.start}-${r.end}` : undefined }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      if (statusOf(error) === 416) throw new RangeError(`Range ${r?.start}-${r?.end} is not satisfiable for ${JSON.stringify(name)}`);
      throw error;
    }
  }

  async delete(name: string): Promise<boolean> {
    // S3 answers a delete the same whether or not the object was there: ask first.
    if (!(await this.stat(name))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(name) }));
    return true;
  }

  async list(options: { after?: string; limit?: number; prefix?: string } = {}): Promise<FilePage> {
    const { bucket, prefix } = this.options;
    const limit = pageLimit(options.limit);
    const page = await this.client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix + (options.prefix ?? ''),
        StartAfter: options.after === undefined ? undefined : prefix + options.after,
        MaxKeys: limit,
      }),
    );
    const keys = (page.Contents ?? []).map((c) => (c.Key ?? '').slice(prefix.length));
    // Keys under the prefix that no put could have made (a "folder" below it) are not files here.
    const names = keys.filter((n) => n !== '' && !n.includes('/'));
    const files: StoredFile[] = [];
    for (let i = 0; i < names.length; i += LIST_CONCURRENCY) {
      const stats = await Promise.all(names.slice(i, i + LIST_CONCURRENCY).map((n) => this.stat(n)));
      files.push(...stats.filter((f): f is StoredFile => f !== undefined));
    }
    return page.IsTruncated && keys.length > 0 ? { files, next: keys[keys.length - 1] } : { files };
  }

  /**
   * A presigned GET URL, when PLINTH_S3_DIRECT_ACCESS is on; presigning needs no request to S3.
   * The URL carries `response-content-type` and `response-content-disposition` (signed with it),
   * so S3 answers with the headers Plinth decided, whatever the object was stored with.
   */
  async directUrl(name: string, expiresInSeconds: number, response?: DirectResponse): Promise<string | undefined> {
    if (!this.options.directAccess) return undefined;
    const fallback = contentHeaders(name, undefined);
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.key(name),
      ResponseContentType: response?.contentType ?? fallback.type,
      ResponseContentDisposition: response ? response.contentDisposition : fallback.disposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  /** Aborts multipart uploads under the prefix started more than `olderThanMs` ago (puts that crashed mid-way). */
  async sweep(olderThanMs: number): Promise<number> {
    const { bucket, prefix } = this.options;
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    while (true) {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix || undefined, ...markers }));
      for (const upload of page.Uploads ?? []) {
        if (!upload.Initiated || upload.Initiated.getTime() > cutoff) continue;
        try {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
          removed++;
        } catch (error) {
          if (statusOf(error) !== 404) throw error; // completed or aborted meanwhile
        }
      }
      if (!page.IsTruncated) return removed;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  async close(): Promise<void> {
    if (this.ownClient) this.client.destroy();
  }
}
