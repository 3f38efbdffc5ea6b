import type { FilesAccessMode } from '../../config/index.ts';
import { type Database, Params, type Sql } from '../../db/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { aliasCounter, type SqlContext } from '../../query/index.ts';
import { fileFields, readableReferencesSql, referencedNamesSql } from '../../query/sql/file-references.ts';
import type { ClassDef, SchemaStore } from '../../schema/index.ts';
import { accessSql, type Auth, readFilterSql, readPolicy } from '../../security/index.ts';
import type { FileStorage } from '../types.ts';

/**
 * The storage metadata key under which the upload side records who uploaded a file (the
 * user's objectId; absent for an upload without a session). Objects mode lets only that user
 * link the file while no object refers to it yet.
 */
export const UPLOADER_METADATA_KEY = 'plinth-uploader';

/** Rows read per class to find one object whose file field the caller may see (protected fields hide some). */
const ROWS_PER_CLASS = 20;

export interface FileLinksDeps {
  mode: FilesAccessMode;
  db: Database;
  schema: SchemaStore;
  storage: FileStorage;
}

/** The refusal: the same whether the file exists or not. */
export function cannotLink(name: string): ParseError {
  return new ParseError(ErrorCode.OPERATION_FORBIDDEN, `Permission denied: the file ${name} cannot be linked.`);
}

/**
 * Whether a caller may put a stored name into a File field (`{file: name}`), in objects mode —
 * where reading an object that refers to a file is what lets one download it, so linking a
 * name would otherwise open someone else's file to whoever reads one's own object. Allowed:
 * - the master key;
 * - a caller who can read an object that refers to the file already (CLP `find`, ACL,
 *   pointer permissions, and the File field not protected from it);
 * - while no object refers to the file (a fresh upload): its uploader, or anyone when it was
 *   uploaded without a session (then its unguessable name is the only key, as in Parse).
 * In public mode every link is allowed (Parse's rule: the URL is the key).
 */
export class FileLinks {
  constructor(private readonly deps: FileLinksDeps) {}

  /** Throws 119 unless the caller may link every name (see the class); `sql` is the write's transaction, if any. */
  async check(auth: Auth, names: Iterable<string>, sql?: Sql): Promise<void> {
    if (this.deps.mode === 'public' || auth.isMaster) return;
    for (const name of new Set(names)) if (!(await this.mayLink(auth, name, sql))) throw cannotLink(name);
  }

  async mayLink(auth: Auth, name: string, sql: Sql = this.deps.db): Promise<boolean> {
    if (this.deps.mode === 'public' || auth.isMaster) return true;
    const classes = [...this.deps.schema.current.classes.values()].flatMap((cls) => {
      const fields = fileFields(cls);
      return fields.length ? [{ cls, fields }] : [];
    });
    for (const { cls, fields } of classes) if (await this.readsReference(auth, cls, fields, name, sql)) return true;
    for (const { cls, fields } of classes) if ((await sql.query(referencedNamesSql(cls, fields), [[name]])).length) return false;
    const file = await this.deps.storage.stat(name);
    if (!file) return false;
    const uploader = file.metadata?.[UPLOADER_METADATA_KEY];
    return !uploader || uploader === auth.userId;
  }

  /** Whether the caller can read an object of `cls` whose (visible) File field holds `name`. */
  private async readsReference(auth: Auth, cls: ClassDef, fields: readonly string[], name: string, sql: Sql): Promise<boolean> {
    let policy: ReturnType<typeof readPolicy>;
    try {
      policy = readPolicy(auth, cls, 'find');
    } catch {
      return false;
    }
    const ctx: SqlContext = {
      params: new Params(),
      classes: this.deps.schema.current.classes,
      readFilter: (alias, p) => readFilterSql(auth, alias, p),
      unaccent: false,
      nextAlias: aliasCounter(),
    };
    const access = accessSql(auth, policy.rows, 't', ctx);
    const text = readableReferencesSql(cls, fields, policy.mask?.extra ?? [], name, access, ctx.params, ROWS_PER_CLASS);
    const rows = await sql.query(text, ctx.params.values);
    return rows.some((row) => {
      const hidden = policy.mask?.hiddenIn(row) ?? [];
      return fields.some((f) => row[f] === name && !hidden.includes(f));
    });
  }
}
