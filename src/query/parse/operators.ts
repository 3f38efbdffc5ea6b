import type { CompareOp } from '../ast.ts';
import { lookupTable } from './state.ts';

/** GraphQL operator names and their Parse REST ($-prefixed) equivalents mean the same. */
const OPERATOR_ALIASES: Record<string, string> = lookupTable({
  $eq: 'equalTo',
  $ne: 'notEqualTo',
  $lt: 'lessThan',
  $lte: 'lessThanOrEqualTo',
  $gt: 'greaterThan',
  $gte: 'greaterThanOrEqualTo',
  $in: 'in',
  $nin: 'notIn',
  $exists: 'exists',
  $regex: 'matchesRegex',
  $options: 'options',
  $text: 'text',
  $all: 'contains',
  $containedBy: 'containedBy',
  $select: 'inQueryKey',
  $dontSelect: 'notInQueryKey',
  $inQuery: 'have',
  $notInQuery: 'haveNot',
  $nearSphere: 'nearSphere',
  $maxDistance: 'maxDistance',
  $maxDistanceInRadians: 'maxDistanceInRadians',
  $maxDistanceInMiles: 'maxDistanceInMiles',
  $maxDistanceInKilometers: 'maxDistanceInKilometers',
  $within: 'within',
  $geoWithin: 'geoWithin',
  $geoIntersects: 'geoIntersects',
});

/** The comparison operators, by their GraphQL names. */
export const COMPARE: Record<string, CompareOp> = lookupTable({
  equalTo: 'eq',
  notEqualTo: 'ne',
  lessThan: 'lt',
  lessThanOrEqualTo: 'lte',
  greaterThan: 'gt',
  greaterThanOrEqualTo: 'gte',
});

/** AND / OR / NOR in both spellings. */
export const COMBINATORS: Record<string, 'and' | 'or' | 'nor'> = lookupTable({ AND: 'and', OR: 'or', NOR: 'nor', $and: 'and', $or: 'or', $nor: 'nor' });

/** A field's operators under their GraphQL names (REST names translated), undefined operands left out. */
export function operatorsOf(value: Record<string, unknown>): Record<string, unknown> {
  const ops: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) if (v !== undefined) ops[OPERATOR_ALIASES[k] ?? k] = v;
  return ops;
}
