import { decodeJson, encodeJson, type CloudEnv } from './object/index.ts';

/**
 * A cloud function's (or job's) params as cloud code receives them: Parse JSON decoded to the
 * SDK's types, recursively — Date, pointers and `{__type: 'Object'}` as CloudObjects, CloudFile
 * (its URL the server's own), CloudGeoPoint, a Relation as its target class; Bytes and Polygon
 * stay in their JSON forms. The input is a client's: `__proto__`, `constructor` and `prototype`
 * keys are dropped (as Parse's SDK does), nesting is bounded (107), malformed encodings are
 * refused with 111 (106 for a pointer).
 */
export function decodeParams(json: unknown, env: CloudEnv): unknown {
  return decodeJson(json, env, { dropDangerousKeys: true });
}

/**
 * A cloud function's result as Parse Server sends it: Parse JSON, recursively. An object with
 * data becomes its full JSON (`__type: 'Object'`, `className`, `objectId`, fields), a
 * pointer-only object (or one already being encoded above itself) a pointer; a Date
 * `{__type: 'Date', iso}`; files, points and ACLs their JSON; undefined is dropped. A circular
 * plain structure, a BigInt or nesting past the bound is error 107, never a stack overflow.
 *
 * Unlike Parse's SDK, an object with unsaved changes is encoded with its current values rather
 * than as a bare pointer (and an unsaved one without an objectId rather than refused).
 */
export function encodeResult(value: unknown, _env: CloudEnv): unknown {
  return encodeJson(value);
}
