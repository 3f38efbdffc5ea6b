export type { Database, Sql, Row, ArrayResult, QueryListener } from './database.ts';
export { openDatabase, type DatabaseOptions } from './open.ts';
export { migrate } from './migrator.ts';
export { ident, literal, Params, splitStatements } from './sql.ts';
export { DatabaseError, SqlState } from './db-error.ts';
