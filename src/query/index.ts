export * from './ast.ts';
export { parseWhere, type WhereContext } from './parse-where.ts';
export { normalizeValue, toIsoDate, toGeoPoint } from './values.ts';
export { parseOrder, isKeysetOrder, orderSignature, type OrderKey } from './order.ts';
export { planPage, offsetCursor, keysetCursor, decodeCursor, type PageArgs, type PagePlan, type Cursor } from './paging.ts';
export { compileCondition, regexWithFlags, searchWords } from './sql/where.ts';
export { compileFind, compileCount, selectColumn, selectList, orderKeys, type FindSql } from './sql/select.ts';
export { aliasCounter, type SqlContext } from './sql/context.ts';
export { distanceSql } from './sql/geo.ts';
