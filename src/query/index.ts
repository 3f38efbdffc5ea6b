export * from './ast.ts';
export { parseWhere, type WhereContext } from './parse-where.ts';
export { normalizeValue, toIsoDate, toGeoPoint } from './values.ts';
export { parseOrder, isKeysetOrder, orderSignature, type OrderKey } from './order.ts';
export { planPage, placeLast, keysetBound, offsetCursor, keysetCursor, decodeCursor, type PageArgs, type PagePlan, type Cursor } from './paging.ts';
export { compileCondition, regexWithFlags, searchWords } from './sql/where.ts';
export {
  compileFind,
  compileCount,
  compileRelatedFind,
  compileRelatedCount,
  selectColumn,
  selectList,
  orderKeys,
  reverseKeys,
  ordersByDistance,
  type FindSql,
  type CountAfter,
} from './sql/select.ts';
export { aliasCounter, type SqlContext } from './sql/context.ts';
export { distanceSql } from './sql/geo.ts';
