import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** What an object is written with, besides its content. */
export interface ObjectParams {
  Bucket: string;
  Key: string;
  ContentType?: string;
  ContentDisposition?: string;
  Metadata?: Record<string, string>;
  IfNoneMatch?: string;
}

/** S3 allows at most this many parts in one upload. */
const MAX_PARTS = 10_000;

/** Reads a stream a part at a time, carrying over the end of a chunk that did not fit. */
class PartReader {
  private carry: Uint8Array | undefined;
  private done = false;

  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  /** Up to `limit` bytes in a buffer of their size: a small file never costs a whole part. */
  async upTo(limit: number): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    let length = 0;
    while (length < limit) {
      const chunk = await this.nextChunk();
      if (!chunk) break;
      const take = Math.min(chunk.byteLength, limit - length);
      parts.push(take === chunk.byteLength ? chunk : chunk.subarray(0, take));
      length += take;
      if (take < chunk.byteLength) this.carry = chunk.subarray(take);
    }
    return Buffer.concat(parts, length);
  }

  private async nextChunk(): Promise<Uint8Array | undefined> {
    const carried = this.carry;
    this.carry = undefined;
    if (carried) return carried;
    if (this.done) return undefined;
    const next = await this.chunks.next();
    if (next.done) {
      this.done = true;
      return undefined;
    }
    return next.value;
  }

  /** Fills `buffer`; resolves with the bytes filled (fewer than its length only at the end). */
  async fill(buffer: Buffer): Promise<number> {
    let filled = 0;
    while (filled < buffer.length) {
      const chunk = await this.nextChunk();
      if (!chunk) break;
      const take = Math.min(chunk.byteLength, buffer.length - filled);
      buffer.set(take === chunk.byteLength ? chunk : chunk.subarray(0, take), filled);
      filled += take;
      if (take < chunk.byteLength) this.carry = chunk.subarray(take);
    }
    return filled;
  }
}

/**
 * Writes a stream to S3 with two part buffers allocated once and reused: a file that fits in
 * one part is one PutObject; a larger one a multipart upload that sends one part while the
 * next is read from the client. Memory stays at two parts whatever the size (lib-storage's
 * Upload allocates every part afresh and keeps `queueSize` of them in flight: +39 MiB of
 * resident memory for a 1 GiB upload against +32 allowed). Any failure aborts the multipart
 * upload, so nothing is left but what `sweep` would also clean.
 */
export async function uploadStream(client: S3Client, params: ObjectParams, body: AsyncIterable<Uint8Array>, partSize: number): Promise<void> {
  const reader = new PartReader(body[Symbol.asyncIterator]());
  const first = await reader.upTo(partSize);
  if (first.length < partSize) {
    await client.send(new PutObjectCommand({ ...params, Body: first, ContentLength: first.length }));
    return;
  }
  let current: Buffer = first;
  let length = first.length;
  const checksums = (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED';
  const { IfNoneMatch, ...created } = params;
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ ...created, ...(checksums ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}) }),
  );
  const ids = { Bucket: params.Bucket, Key: params.Key, UploadId };
  const parts: CompletedPart[] = [];
  let spare: Buffer = Buffer.allocUnsafe(partSize);
  try {
    for (let partNumber = 1; length > 0; partNumber++) {
      if (partNumber > MAX_PARTS) throw new Error(`More than ${MAX_PARTS} parts of ${partSize} bytes: raise PLINTH_S3_PART_SIZE`);
      const sending = client.send(
        new UploadPartCommand({
          ...ids,
          PartNumber: partNumber,
          Body: current.subarray(0, length),
          ContentLength: length,
          ...(checksums ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
        }),
      );
      // The next part is read while this one is sent; a client error stops both.
      const [sent, next] = await Promise.all([sending, reader.fill(spare)]);
      if (!sent.ETag) throw new Error(`S3 gave no ETag for part ${partNumber}`);
      parts.push({ PartNumber: partNumber, ETag: sent.ETag, ...(sent.ChecksumCRC32 ? { ChecksumCRC32: sent.ChecksumCRC32 } : {}) });
      [current, spare] = [spare, current];
      length = next;
    }
    await client.send(new CompleteMultipartUploadCommand({ ...ids, IfNoneMatch, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand(ids)).catch(() => undefined);
    throw error;
  }
}
