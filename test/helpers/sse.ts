/** A subscription's Server-Sent Events as they arrive: the `next` payloads, and whether the stream ended. */
export interface SseStream {
  response: Response;
  received: any[];
  isEnded(): boolean;
  close(): Promise<void> | undefined;
}

/** Reads an SSE response in the background. A response that is not an event stream (a refusal) is left unread for the test. */
export function readSse(response: Response): SseStream {
  const received: any[] = [];
  let ended = false;
  const reader = response.headers.get('content-type')?.includes('text/event-stream') ? response.body?.getReader() : undefined;
  if (reader) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'next' && data) received.push(JSON.parse(data));
          if (event === 'complete') ended = true;
        }
      }
      ended = true;
    })();
  }
  return { response, received, isEnded: () => ended, close: () => reader?.cancel() };
}
