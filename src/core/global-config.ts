import type { Sql } from '../db/index.ts';
import { errors } from '../errors/index.ts';
import { GLOBAL_CONFIG_ID, MERGE_GLOBAL_CONFIG, READ_GLOBAL_CONFIG } from '../query/sql/global-config.ts';

type Json = Record<string, unknown>;

/** Parse Config as a caller sees it. */
export interface GlobalConfigView {
  params: Json;
  /** Which params only the master key reads (`true`); absent until the config is first written. */
  masterKeyOnly?: Json;
}

/** A change as Parse's `PUT /config` carries it. */
export interface GlobalConfigChange {
  /** Params to set; `{__op: "Delete"}` removes one. A null value is stored as null, as Parse does. */
  params: Json;
  /** For each param set, whether only the master key reads it (false when not given). */
  masterKeyOnly?: Json;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A jsonb column as the driver returns it (JSON text through the adapter), as a record without prototype. */
function record(value: unknown): Json | undefined {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!isRecord(parsed)) return undefined;
  return Object.assign(Object.create(null) as Json, parsed);
}

function isDelete(value: unknown): boolean {
  return isRecord(value) && value.__op === 'Delete';
}

/**
 * Parse Config (`Parse.Config`): one set of params in `"_GlobalConfig"`, some readable only
 * with the master key. Read from the database on every call (one primary-key lookup), so a
 * change made through another instance is seen at once; a change is one merging statement.
 * Who may write is the caller's decision (Parse: the master key).
 */
export class GlobalConfigStore {
  constructor(private readonly sql: Sql) {}

  /**
   * The config as `isMaster` may read it (Parse's `GET /config`): without a row, `{params: {}}`;
   * for others than the master key, the params marked masterKeyOnly are left out, and so are
   * their flags.
   */
  async read(isMaster: boolean): Promise<GlobalConfigView> {
    const [row] = await this.sql.query(READ_GLOBAL_CONFIG, [GLOBAL_CONFIG_ID]);
    if (!row) return { params: {} };
    const params = record(row.params) ?? (Object.create(null) as Json);
    const masterKeyOnly = record(row.masterKeyOnly);
    if (!masterKeyOnly) return { params };
    if (!isMaster) {
      for (const key of Object.keys(masterKeyOnly)) {
        if (!masterKeyOnly[key]) continue;
        delete params[key];
        delete masterKeyOnly[key];
      }
    }
    return { params, masterKeyOnly };
  }

  /**
   * Applies a change as Parse's `PUT /config` does: each param given is set (or removed by a
   * Delete operation) and its masterKeyOnly flag set to what the change says (false if absent);
   * params not named keep their values and flags. 107 for params or flags that are not objects.
   */
  async update(change: GlobalConfigChange): Promise<void> {
    if (!isRecord(change.params)) throw errors.invalidJson('params must be an object');
    if (change.masterKeyOnly !== undefined && change.masterKeyOnly !== null && !isRecord(change.masterKeyOnly))
      throw errors.invalidJson('masterKeyOnly must be an object');
    const flagsGiven = change.masterKeyOnly ?? {};
    const set: Json = Object.create(null);
    const flags: Json = Object.create(null);
    const removed: string[] = [];
    for (const [key, value] of Object.entries(change.params)) {
      flags[key] = Object.hasOwn(flagsGiven, key) && !!flagsGiven[key];
      if (isDelete(value)) removed.push(key);
      else set[key] = value;
    }
    await this.sql.execute(MERGE_GLOBAL_CONFIG, [GLOBAL_CONFIG_ID, JSON.stringify(set), JSON.stringify(flags), removed]);
  }
}
