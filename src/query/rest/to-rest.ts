import { errors } from '../../errors/index.ts';
import type { Condition, FieldRef } from '../ast.ts';
import { allOf } from './merge.ts';
import { geoPoint, isLiteral, quoteRegex, restKey, restValue, type RestWhere } from './values.ts';

const COMPARE_OPS = { eq: '$eq', ne: '$ne', lt: '$lt', lte: '$lte', gt: '$gt', gte: '$gte' } as const;

/** Nothing matches: an empty `$or` (Parse's REST form has no constant). */
const NOTHING = (): RestWhere => ({ $or: [] });

function where(field: FieldRef, value: unknown): RestWhere {
  const out: RestWhere = {};
  Object.defineProperty(out, restKey(field), { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function inexpressible(condition: Condition, why: string): never {
  throw errors.invalidQuery(
    `A ${condition.kind} condition on ${'field' in condition ? restKey(condition.field) : 'the query'} cannot be written in Parse's REST form: ${why}`,
  );
}

/**
 * The query AST written back in Parse's REST `where` form (`$`-operators, Parse-encoded
 * values), such that parseWhere reads it back as an equivalent condition — how a beforeFind or
 * beforeSubscribe trigger gets a query that came in as GraphQL. Conditions the REST form cannot
 * spell (ordering or in-lists on a whole Object field) are error 102.
 */
export function conditionToRest(condition: Condition): RestWhere {
  switch (condition.kind) {
    case 'and':
      return allOf(condition.conditions.map(conditionToRest));
    case 'or':
      return { $or: condition.conditions.map(conditionToRest) };
    case 'nor':
      return { $nor: condition.conditions.map(conditionToRest) };
    case 'const':
      return condition.value ? {} : NOTHING();
    case 'compare':
      return compareToRest(condition);
    case 'in': {
      const { field, values, negated } = condition;
      if (field.type === 'Object' && !field.path?.length) {
        // A whole Object field has no $in; each value is an equality (a literal) instead.
        if (!values.every(isLiteral)) inexpressible(condition, 'a value is a plain object');
        const each = values.map((v) => where(field, v));
        return negated ? { $nor: each } : { $or: each };
      }
      return where(field, { [negated ? '$nin' : '$in']: values.map((v) => restValue(field, v)) });
    }
    case 'exists':
      return where(condition.field, { $exists: condition.exists });
    case 'regex':
      return where(condition.field, condition.options ? { $regex: condition.pattern, $options: condition.options } : { $regex: condition.pattern });
    case 'text': {
      const { term, language, caseSensitive, diacriticSensitive } = condition;
      return where(condition.field, {
        $text: { $search: { $term: term, $language: language, $caseSensitive: caseSensitive, $diacriticSensitive: diacriticSensitive } },
      });
    }
    case 'containsAll':
      return where(condition.field, { $all: condition.values });
    case 'containsAllStartingWith':
      // As Parse.Query's containsAllStartingWith writes it, which parseWhere reads back.
      return where(condition.field, { $all: condition.prefixes.map((prefix) => ({ $regex: `^${quoteRegex(prefix)}` })) });
    case 'containedBy':
      return where(condition.field, { $containedBy: condition.values });
    case 'near': {
      const ops: RestWhere = { $nearSphere: geoPoint(condition.point) };
      if (condition.maxDistanceRadians !== undefined) ops.$maxDistance = condition.maxDistanceRadians;
      return where(condition.field, ops);
    }
    case 'withinBox':
      return where(condition.field, { $within: { $box: [geoPoint(condition.bottomLeft), geoPoint(condition.upperRight)] } });
    case 'withinPolygon':
      return where(condition.field, { $geoWithin: { $polygon: condition.points.map(geoPoint) } });
    case 'withinSphere': {
      const { center, radiusRadians } = condition;
      return where(condition.field, { $geoWithin: { $centerSphere: [[center.longitude, center.latitude], radiusRadians] } });
    }
    case 'intersectsPoint':
      return where(condition.field, { $geoIntersects: { $point: geoPoint(condition.point) } });
    case 'inQueryKey': {
      const query = { className: condition.className, where: conditionToRest(condition.where) };
      return where(condition.field, { [condition.negated ? '$dontSelect' : '$select']: { key: restKey(condition.key), query } });
    }
    case 'pointerMatches':
    case 'relationMatches': {
      const query = { className: condition.targetClass, where: conditionToRest(condition.where) };
      return where(condition.field, { [condition.negated ? '$notInQuery' : '$inQuery']: query });
    }
    case 'relationContains': {
      // A relation "equal to" a pointer: one of the objects is related.
      const each = condition.objectIds.map((id) => where(condition.field, restValue(condition.field, id)));
      return each.length === 1 ? each[0] : { $or: each };
    }
  }
}

function compareToRest(condition: Extract<Condition, { kind: 'compare' }>): RestWhere {
  const { field, op, value } = condition;
  // Ordering against no value never matches (see ast.ts); the REST form would drop the operator.
  if (value === null && op !== 'eq' && op !== 'ne') return NOTHING();
  const encoded = restValue(field, value);
  if (field.type === 'Object' && !field.path?.length) {
    // A whole Object field takes only a literal: equality, or its negation under $nor.
    if ((op !== 'eq' && op !== 'ne') || !isLiteral(encoded))
      inexpressible(condition, op === 'eq' || op === 'ne' ? 'the value is a plain object' : 'Object fields are ordered only by a key inside them');
    return op === 'eq' ? where(field, encoded) : { $nor: [where(field, encoded)] };
  }
  if (op === 'eq' && isLiteral(encoded)) return where(field, encoded);
  return where(field, { [COMPARE_OPS[op]]: encoded });
}
