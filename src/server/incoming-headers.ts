import type http from 'node:http';

/**
 * A node:http request's headers as a read-only Fetch `Headers`, read from node's own parse
 * (`IncomingMessage.headers`: names in lower case, repeats joined as node joins them) rather
 * than copied into a new `Headers`, whose `append` validates every name and value — ~2 % of the
 * CPU of a read by id on the direct lane. What the lane hands its request to (the credentials
 * check, the context, cloud code) only reads headers; a write is a programming error and throws,
 * as writing to an immutable `Headers` does.
 */
export class IncomingHeaders implements Headers {
  constructor(private readonly source: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.source[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.source[name.toLowerCase()] !== undefined;
  }

  getSetCookie(): string[] {
    const value = this.source['set-cookie'];
    return value === undefined ? [] : [...value];
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  /** Sorted by name, as a `Headers` iterates. */
  *entries(): HeadersIterator<[string, string]> {
    for (const name of Object.keys(this.source).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  *keys(): HeadersIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): HeadersIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  append(_name: string, _value: string): void {
    throw new TypeError('immutable');
  }

  set(_name: string, _value: string): void {
    throw new TypeError('immutable');
  }

  delete(_name: string): void {
    throw new TypeError('immutable');
  }
}
