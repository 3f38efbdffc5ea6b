import type { Readable } from 'node:stream';

type Chunk = Uint8Array | string;

/**
 * A response body that reads its sources one after the other, a chunk at a time and only when
 * the client takes more (pull): memory stays at one chunk whatever the file's size. Sources are
 * opened when reached; when the client goes away, the source being read is destroyed and the
 * rest are never opened.
 */
export function streamOf(parts: readonly (Chunk | (() => Promise<Readable | undefined>))[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  let source: Readable | undefined;
  let chunks: AsyncIterator<unknown> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (chunks) {
            const next = await chunks.next();
            if (!next.done) {
              const value = next.value;
              controller.enqueue(typeof value === 'string' ? encoder.encode(value) : (value as Uint8Array));
              return;
            }
            chunks = undefined;
            source = undefined;
          }
          if (index >= parts.length) {
            controller.close();
            return;
          }
          const part = parts[index++];
          if (typeof part === 'string') return controller.enqueue(encoder.encode(part));
          if (part instanceof Uint8Array) return controller.enqueue(part);
          source = await part();
          // Gone between the stat and the read: the length announced cannot be kept.
          if (!source) throw new Error('the file disappeared while it was being sent');
          chunks = source[Symbol.asyncIterator]();
        }
      },
      cancel() {
        source?.destroy();
        index = parts.length;
      },
    },
    { highWaterMark: 0 },
  );
}
