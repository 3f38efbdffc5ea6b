import { createHash } from 'node:crypto';
import { INCLUDED, type FindResult, type ParseObject } from '../../core/index.ts';

/**
 * What a subscriber would see of a find result, hashed: the page's objects with the fields read
 * (and the pointer targets read with them), the count, the page's position and flags. Two
 * results with the same fingerprint render the same connection, so the second is not emitted.
 * Reading every selected value (not only ids and updatedAt) also catches changes to included
 * pointer targets, whose own updatedAt the page does not carry.
 */
export function findResultFingerprint(result: FindResult): string {
  const page = result.objects.map((o) => [o, included(o)]);
  const text = JSON.stringify([result.count ?? null, result.skip, result.hasNextPage, result.hasPreviousPage, page]);
  return createHash('sha1').update(text).digest('base64');
}

function included(o: ParseObject): unknown {
  return o[INCLUDED] ?? null;
}
