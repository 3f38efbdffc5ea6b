import type { Config } from '../config/index.ts';
import { createLogger, type Logger } from '../config/logger.ts';
import { openDatabase, migrate, type Database } from '../db/index.ts';
import { SchemaStore } from '../schema/index.ts';
import { Core, HookRegistry, ChangeEvents } from '../core/index.ts';
import { refuseCollisions } from '../graphql/index.ts';
import { Accounts, createAuthProviders, createEmailFlows, createMailAdapter, sessionResolver, Sessions, type EmailFlows, type MailAdapter } from '../auth/index.ts';
import { registerUserHooks } from '../auth/user-hooks.ts';
import { warnAboutPublicClasses } from '../auth/open-classes.ts';
import { useAccountPages } from './routes/account-pages.ts';
import { RoleResolver } from '../security/index.ts';
import path from 'node:path';
import { SchemaHolder } from './schema-holder.ts';
import { createGraphQLHandler } from './yoga.ts';
import { limitFetchBody } from './body-limit.ts';
import { startLive, type LiveQueries } from './live.ts';
import { RedisCounters } from '../live/index.ts';

/** A running Plinth (not yet listening): the pieces, for the HTTP server, tests and embedding. */
export interface Plinth {
  config: Config;
  logger: Logger;
  db: Database;
  schemaStore: SchemaStore;
  core: Core;
  hooks: HookRegistry;
  events: ChangeEvents;
  sessions: Sessions;
  roles: RoleResolver;
  accounts: Accounts;
  emailFlows: EmailFlows;
  mail: MailAdapter;
  /** Live queries: the pub/sub and the hub of this instance's subscriptions. */
  live: LiveQueries;
  /** The GraphQL endpoint as a WHATWG fetch handler (also a node:http request listener). */
  graphql: ReturnType<typeof createGraphQLHandler>;
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

export interface CreateOptions {
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the config. */
  db?: Database;
  /** A mail adapter to use instead of the configured one (tests capture mail this way). */
  mail?: MailAdapter;
}

/**
 * Opens the database, applies migrations, loads the catalog, builds the first schema and
 * wires the request pipeline and live queries. Schema changes made by other instances arrive
 * over the pub/sub; polling the catalog version stays as the fallback.
 */
export async function createPlinth(config: Config, options: CreateOptions = {}): Promise<Plinth> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: config.databasePoolSize }));
  let live: LiveQueries | undefined;
  let counters: RedisCounters | undefined;
  try {
    const migrated = await migrate(db);
    if (migrated.applied.length) logger.info({ applied: migrated.applied }, 'database migrations applied');
    if (migrated.changed.length) logger.warn({ changed: migrated.changed }, 'applied migrations have changed since they ran');
    const schemaStore = new SchemaStore(db, logger);
    schemaStore.addValidator(refuseCollisions);
    await schemaStore.load();
    warnAboutPublicClasses(schemaStore.current, logger);
    const unaccent = (await db.query(`SELECT 1 AS "ok" FROM pg_extension WHERE extname = 'unaccent'`)).length > 0;
    const hooks = new HookRegistry();
    const events = new ChangeEvents();
    const sessions = new Sessions(db, { lifetimeMs: config.sessionLengthMs });
    const providers = createAuthProviders(config.auth, logger);
    // First of the _User hooks: the email flows' hooks rely on the user rules having run.
    registerUserHooks(hooks, { sessions, providers, config: config.auth });
    const core = new Core({ db, schema: schemaStore, hooks, events, logger, defaultLimit: config.defaultLimit, maxLimit: config.maxLimit, unaccent });
    const schemas = new SchemaHolder(schemaStore, logger);
    schemaStore.startPolling(config.schemaPollMs);
    const roles = new RoleResolver(db, logger);
    await roles.refreshIfChanged();
    roles.startPolling(config.schemaPollMs);
    // Role changes made here take effect on the next request; elsewhere, within a poll.
    hooks.register('_Role', { afterCommit: () => roles.invalidate() });
    const mail = options.mail ?? createMailAdapter(config.auth, config.dataDir, logger);
    const emailFlows = createEmailFlows({ db, core, hooks, sessions, mail, config: config.auth, publicUrl: config.publicUrl, appId: config.appId, logger });
    // Several instances (Redis): login and signup budgets hold across all of them.
    counters = config.live.redisUrl ? new RedisCounters({ url: config.live.redisUrl, appId: config.appId, logger }) : undefined;
    const accounts = new Accounts({ db, core, sessions, roles, emailFlows, providers, config: config.auth, logger, sharedCounters: counters });
    live = await startLive({ config, logger, schemaStore, events, sessions, roles });
    const graphql = createGraphQLHandler({
      config,
      logger,
      core,
      schemaStore,
      schemas,
      sessions: sessionResolver(sessions, roles),
      accounts,
      emailFlows,
      routes: [useAccountPages(config, emailFlows, logger)],
      live: live.context,
    });
    const started = live;
    return {
      config,
      logger,
      db,
      schemaStore,
      core,
      hooks,
      events,
      sessions,
      roles,
      accounts,
      emailFlows,
      mail,
      live: started,
      graphql,
      async fetch(request) {
        const limited = await limitFetchBody(request, config.limits.maxBodyBytes);
        return limited instanceof Response ? limited : graphql.fetch(limited);
      },
      async close() {
        // Subscriptions end first (their streams finish), while the database is still there.
        await started.close().catch((error) => logger.error({ err: error }, 'live queries did not close cleanly'));
        schemaStore.stopPolling();
        roles.stopPolling();
        await mail.close?.();
        await counters?.close();
        await db.close();
      },
    };
  } catch (error) {
    await live?.close().catch(() => undefined);
    await counters?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
