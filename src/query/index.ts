export * from './ast.ts';
export { parseWhere } from './parse/where.ts';
export { MAX_DEPTH as MAX_WHERE_DEPTH, type WhereContext } from './parse/state.ts';
export { normalizeValue, toIsoDate, toStorableDate, checkText, checkKey, isStorableText, toGeoPoint } from './values.ts';
export { parseOrder, isKeysetOrder, orderSignature, type OrderKey } from './order.ts';
export { planPage, placeLast, keysetBound, offsetCursor, keysetCursor, decodeCursor, type PageArgs, type PagePlan, type Cursor } from './paging.ts';
export { compileCondition } from './sql/where.ts';
export { regexToPostgres } from './sql/regex.ts';
export { searchWords } from './sql/text.ts';
export {
  compileFind,
  compileCount,
  compileRelatedFind,
  compileRelatedCount,
  selectColumn,
  selectList,
  ordersByDistance,
  type FindSql,
  type CountAfter,
} from './sql/select.ts';
export { orderKeys, reverseKeys } from './sql/keyset.ts';
export { aliasCounter, type SqlContext } from './sql/context.ts';
export { distanceSql } from './sql/geo.ts';
export { compileMatcher, unsupportedInMemory, type MatchObject } from './match/index.ts';
export { atomicSql, type AtomicOp, type NestedChange, type NestedEdit, type ValueOp } from './sql/atomic.ts';
export { conditionToRest, restKey, restValue, type RestWhere } from './rest/index.ts';
