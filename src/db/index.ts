export type { Database, Sql, Row, ArrayResult, QueryListener } from './database.ts';
export { openDatabase, type DatabaseOptions } from './open.ts';
export { poolUseOf, type PoolUse } from './pool-use.ts';
export type { RawSql, RawQueryable, RawResult, RawSession } from './raw.ts';
export { migrate } from './migrator.ts';
export { ident, literal, Params, splitStatements } from './sql.ts';
export { DatabaseError, SqlState, isDatabaseUnavailable } from './db-error.ts';
export {
  JobQueue,
  ABANDONED_MESSAGE,
  STOPPED_MESSAGE,
  messageOf,
  type JobQueueOptions,
  type QueueJob,
  type QueueHooks,
  type Outcome,
  type SendOptions,
  type WorkOptions,
  type WorkHandler,
} from './queue/index.ts';
export { requestError, unexpectedError, DATABASE_UNAVAILABLE } from './request-error.ts';
