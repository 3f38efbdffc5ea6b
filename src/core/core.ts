import type { Sql } from '../db/index.ts';
import type { Condition } from '../query/index.ts';
import type { Auth } from '../security/index.ts';
import * as read from './read.ts';
import { findRelated } from './read-relations.ts';
import { aggregate, distinct } from './aggregate.ts';
import * as write from './write.ts';
import { inUnitOfWork } from './write-phases.ts';
import type { CoreRuntime } from './runtime.ts';
import type { ParseObject } from './object.ts';
import type { WriteInput } from './write-input.ts';
import type { UnitOfWork } from './unit-of-work.ts';

/**
 * The object operations every transport calls. Each takes the caller's Auth; security,
 * hooks, transactions and change events happen here, once, whatever the transport.
 */
export class Core {
  constructor(readonly runtime: CoreRuntime) {}

  get(auth: Auth, className: string, objectId: string, fields: readonly string[], sql?: Sql): Promise<ParseObject> {
    return read.get(this.runtime, auth, className, objectId, fields, sql);
  }

  /** Objects by id; `runHooks` false for the server's own reads, which read hooks (beforeFind, afterFind) must not see. */
  getMany(
    auth: Auth,
    className: string,
    objectIds: readonly string[],
    fields: readonly string[],
    sql?: Sql,
    runHooks = true,
  ): Promise<Map<string, ParseObject>> {
    return read.getMany(this.runtime, auth, className, objectIds, fields, sql, runHooks);
  }

  find(auth: Auth, className: string, req: read.FindRequest, sql?: Sql): Promise<read.FindResult> {
    return read.find(this.runtime, auth, className, req, sql);
  }

  count(auth: Auth, className: string, where?: Condition, sql?: Sql): Promise<number> {
    return read.count(this.runtime, auth, className, where, sql);
  }

  findRelated(auth: Auth, ownerClass: string, field: string, ownerIds: readonly string[], req: read.FindRequest, sql?: Sql) {
    return findRelated(this.runtime, auth, ownerClass, field, ownerIds, req, sql);
  }

  create(auth: Auth, className: string, input: WriteInput, opts?: write.WriteOptions): Promise<ParseObject> {
    return write.create(this.runtime, auth, className, input, opts);
  }

  update(auth: Auth, className: string, objectId: string, input: WriteInput, opts?: write.WriteOptions): Promise<ParseObject> {
    return write.update(this.runtime, auth, className, objectId, input, opts);
  }

  delete(auth: Auth, className: string, objectId: string, opts?: write.WriteOptions): Promise<ParseObject> {
    return write.destroy(this.runtime, auth, className, objectId, opts);
  }

  /** Parse's aggregate pipeline over a class, in one statement (master key only, as in Parse). */
  aggregate(auth: Auth, className: string, pipeline: unknown[], sql?: Sql): Promise<Record<string, unknown>[]> {
    return aggregate(this.runtime, auth, className, pipeline, sql);
  }

  /** The distinct values of a field among the objects matching `where` (master key only, as in Parse). */
  distinct(auth: Auth, className: string, field: string, where?: Condition, sql?: Sql): Promise<unknown[]> {
    return distinct(this.runtime, auth, className, field, where, sql);
  }

  /** Runs several writes as one transaction (e.g. every mutation of one request field). */
  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return inUnitOfWork(this.runtime, undefined, fn);
  }
}
