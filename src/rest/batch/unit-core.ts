import type { Sql } from '../../db/index.ts';
import type { Condition } from '../../query/index.ts';
import type { Auth } from '../../security/index.ts';
import { Core, type FindRequest, type FindResult, type ParseObject, type UnitOfWork, type WriteInput, type WriteOptions } from '../../core/index.ts';

/**
 * Core bound to one unit of work, for the sub-requests of a `transaction: true` batch: every
 * write joins the batch's transaction (so change events and after-commit hooks wait for its
 * commit), every read goes through it (so a GET sees the batch's earlier writes, and on PGlite
 * never waits for the one connection the transaction holds), and a nested `transaction()`
 * joins it instead of opening another. Handlers take it in place of `deps.core` unchanged.
 */
export class UnitCore extends Core {
  constructor(
    core: Core,
    private readonly uow: UnitOfWork,
  ) {
    super(core.runtime);
  }

  override get(auth: Auth, className: string, objectId: string, fields: readonly string[], sql?: Sql): Promise<ParseObject> {
    return super.get(auth, className, objectId, fields, sql ?? this.uow.sql);
  }

  override getMany(auth: Auth, className: string, objectIds: readonly string[], fields: readonly string[], sql?: Sql, runHooks = true) {
    return super.getMany(auth, className, objectIds, fields, sql ?? this.uow.sql, runHooks);
  }

  override find(auth: Auth, className: string, req: FindRequest, sql?: Sql): Promise<FindResult> {
    return super.find(auth, className, req, sql ?? this.uow.sql);
  }

  override count(auth: Auth, className: string, where?: Condition, sql?: Sql): Promise<number> {
    return super.count(auth, className, where, sql ?? this.uow.sql);
  }

  override findRelated(auth: Auth, ownerClass: string, field: string, ownerIds: readonly string[], req: FindRequest, sql?: Sql) {
    return super.findRelated(auth, ownerClass, field, ownerIds, req, sql ?? this.uow.sql);
  }

  override aggregate(auth: Auth, className: string, pipeline: unknown[], sql?: Sql) {
    return super.aggregate(auth, className, pipeline, sql ?? this.uow.sql);
  }

  override distinct(auth: Auth, className: string, field: string, where?: Condition, sql?: Sql) {
    return super.distinct(auth, className, field, where, sql ?? this.uow.sql);
  }

  override create(auth: Auth, className: string, input: WriteInput, opts?: WriteOptions): Promise<ParseObject> {
    return super.create(auth, className, input, { ...opts, uow: opts?.uow ?? this.uow });
  }

  override update(auth: Auth, className: string, objectId: string, input: WriteInput, opts?: WriteOptions): Promise<ParseObject> {
    return super.update(auth, className, objectId, input, { ...opts, uow: opts?.uow ?? this.uow });
  }

  override delete(auth: Auth, className: string, objectId: string, opts?: WriteOptions): Promise<ParseObject> {
    return super.delete(auth, className, objectId, { ...opts, uow: opts?.uow ?? this.uow });
  }

  override transaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return fn(this.uow);
  }
}
