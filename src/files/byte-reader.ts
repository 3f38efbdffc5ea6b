import { fileErrors } from './errors.ts';

/**
 * Reads an upload's bytes once, in chunks, counting them: its first bytes are read ahead (to
 * sniff the type) and handed back first by `body()`, and the upload fails with 130 / HTTP 413
 * as soon as it passes `maxBytes` — before the chunk that passes it goes anywhere. Memory holds
 * the first bytes and one chunk at a time, whatever the size.
 */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private size = 0;
  private ended = false;
  private taken = false;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly maxBytes: number,
  ) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Whether the source has ended (so the size is known). */
  get done(): boolean {
    return this.ended;
  }

  get bytesRead(): number {
    return this.size;
  }

  private async next(): Promise<Uint8Array | undefined> {
    if (this.ended) return undefined;
    const { value, done } = await this.it.next();
    if (done) {
      this.ended = true;
      return undefined;
    }
    this.size += value.byteLength;
    if (this.size > this.maxBytes) throw fileErrors.tooLarge(this.maxBytes);
    return value;
  }

  /** At least `bytes` first bytes (fewer when the source is shorter), for sniffing. */
  async head(bytes: number): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    let length = 0;
    while (length < bytes) {
      const chunk = await this.next();
      if (!chunk) break;
      chunks.push(chunk);
      length += chunk.byteLength;
    }
    return Buffer.concat(chunks);
  }

  /** The whole content: `head`, then the rest as it arrives (read once). */
  async *body(head: Uint8Array): AsyncGenerator<Uint8Array> {
    if (this.taken) throw new Error('ByteReader.body() read twice');
    this.taken = true;
    if (head.byteLength) yield head;
    for (let chunk = await this.next(); chunk; chunk = await this.next()) yield chunk;
  }

  /** Reads the rest and drops it (still within the limit): the content was replaced. */
  async drain(): Promise<void> {
    while (await this.next());
  }

  /** Stops reading (the source is told, so a stream can end). */
  async cancel(): Promise<void> {
    if (!this.ended) await this.it.return?.();
  }
}
