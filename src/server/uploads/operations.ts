import { RequestFailure } from './request-failure.ts';

/*
 * The multipart request's `map`: which places of `operations` each file part fills, as
 * `{"0": ["variables.file"], "1": ["variables.input.fields.photo.upload"]}`. Places are in the
 * variables only, each an existing null (the spec's placeholder), never an inherited property.
 */

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

function container(operations: Record<string, unknown>, path: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  const segments = path.split('.');
  if (segments[0] !== 'variables' || segments.length < 2 || segments.some((s) => s === '' || UNSAFE.has(s))) {
    throw RequestFailure.badRequest(`The map names "${path}": a file may only take the place of a variable's null.`);
  }
  let node: unknown = operations;
  for (const segment of segments.slice(0, -1)) {
    node = typeof node === 'object' && node !== null && Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
  }
  const key = segments[segments.length - 1];
  const fits =
    typeof node === 'object' &&
    node !== null &&
    Object.hasOwn(node, key) &&
    (node as Record<string, unknown>)[key] === null &&
    (!Array.isArray(node) || /^\d+$/.test(key));
  if (!fits) throw RequestFailure.badRequest(`The map names "${path}", which is not a null in the operation's variables.`);
  return { parent: node as Record<string, unknown>, key };
}

/** Reads and checks `map` against `operations`; at most `maxFiles` files. */
export function readMap(value: string, operations: Record<string, unknown>, maxFiles: number): Map<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw RequestFailure.badRequest('The multipart field "map" is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw RequestFailure.badRequest('The multipart field "map" must be a JSON object.');
  const entries = Object.entries(parsed);
  if (entries.length > maxFiles) throw RequestFailure.tooLarge(`A request may upload at most ${maxFiles} files.`);
  const map = new Map<string, string[]>();
  for (const [key, paths] of entries) {
    if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string')) {
      throw RequestFailure.badRequest(`The map's entry "${key}" must be a non-empty list of places.`);
    }
    for (const path of paths) container(operations, path);
    map.set(key, paths);
  }
  return map;
}

/** Puts `value` at a place readMap checked. */
export function placeAt(operations: Record<string, unknown>, path: string, value: unknown): void {
  const { parent, key } = container(operations, path);
  (parent as Record<string, unknown>)[key] = value;
}
