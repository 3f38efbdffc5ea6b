import type { Config } from '../config/index.ts';
import { createLogger, type Logger } from '../config/logger.ts';
import { openDatabase, migrate, type Database } from '../db/index.ts';
import { SchemaStore } from '../schema/index.ts';
import { Core, HookRegistry, ChangeEvents } from '../core/index.ts';
import { refuseCollisions } from '../graphql/index.ts';
import { NO_SESSIONS, registerPasswordHook } from '../auth/index.ts';
import path from 'node:path';
import { SchemaHolder } from './schema-holder.ts';
import { createGraphQLHandler } from './yoga.ts';
import { limitFetchBody } from './body-limit.ts';

/** A running Plinth (not yet listening): the pieces, for the HTTP server, tests and embedding. */
export interface Plinth {
  config: Config;
  logger: Logger;
  db: Database;
  schemaStore: SchemaStore;
  core: Core;
  hooks: HookRegistry;
  events: ChangeEvents;
  /** The GraphQL endpoint as a WHATWG fetch handler (also a node:http request listener). */
  graphql: ReturnType<typeof createGraphQLHandler>;
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

export interface CreateOptions {
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the config. */
  db?: Database;
}

/**
 * Opens the database, applies migrations, loads the catalog, builds the first schema and
 * wires the request pipeline. Changes made by other instances are picked up by polling the
 * catalog version.
 */
export async function createPlinth(config: Config, options: CreateOptions = {}): Promise<Plinth> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: config.databasePoolSize }));
  try {
    const migrated = await migrate(db);
    if (migrated.applied.length) logger.info({ applied: migrated.applied }, 'database migrations applied');
    if (migrated.changed.length) logger.warn({ changed: migrated.changed }, 'applied migrations have changed since they ran');
    const schemaStore = new SchemaStore(db, logger);
    schemaStore.addValidator(refuseCollisions);
    await schemaStore.load();
    const unaccent = (await db.query(`SELECT 1 AS "ok" FROM pg_extension WHERE extname = 'unaccent'`)).length > 0;
    const hooks = new HookRegistry();
    const events = new ChangeEvents();
    registerPasswordHook(hooks);
    const core = new Core({ db, schema: schemaStore, hooks, events, logger, defaultLimit: config.defaultLimit, maxLimit: config.maxLimit, unaccent });
    const schemas = new SchemaHolder(schemaStore, logger);
    schemaStore.startPolling(config.schemaPollMs);
    const graphql = createGraphQLHandler({ config, logger, core, schemaStore, schemas, sessions: NO_SESSIONS });
    return {
      config,
      logger,
      db,
      schemaStore,
      core,
      hooks,
      events,
      graphql,
      async fetch(request) {
        const limited = await limitFetchBody(request, config.limits.maxBodyBytes);
        return limited instanceof Response ? limited : graphql.fetch(limited);
      },
      async close() {
        schemaStore.stopPolling();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
