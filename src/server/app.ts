import type { Config } from '../config/index.ts';
import { createLogger, type Logger } from '../config/logger.ts';
import { openDatabase, migrate, type Database } from '../db/index.ts';
import { SchemaStore } from '../schema/index.ts';
import { Core, HookRegistry, ChangeEvents } from '../core/index.ts';
import { refuseCollisions } from '../graphql/index.ts';
import { loadCustomSchema, refuseCustomSchemaClashes } from '../graphql/custom-schema/index.ts';
import {
  Accounts,
  createAuthProviders,
  createEmailFlows,
  createMailAdapter,
  sessionResolver,
  Sessions,
  type EmailFlows,
  type MailAdapter,
} from '../auth/index.ts';
import { registerUserHooks } from '../auth/user-hooks.ts';
import { registerRoleRules } from '../auth/role-rules.ts';
import { registerInstallationRules } from '../push/installations/index.ts';
import { warnAboutPublicClasses } from '../auth/open-classes.ts';
import { useAccountPages } from './routes/account-pages.ts';
import { RoleResolver } from '../security/index.ts';
import path from 'node:path';
import { SchemaHolder } from './schema-holder.ts';
import { createGraphQLHandler } from './yoga.ts';
import { limitFetchBody } from './body-limit.ts';
import { startLive, type LiveQueries } from './live.ts';
import { RedisCounters } from '../live/index.ts';
import type { CloudSetup } from '../cloud/types.ts';
import { startServerCloud, type ServerCloud } from './cloud.ts';
import { JobQueue } from '../db/index.ts';
import { CloudJobs } from '../cloud/jobs/index.ts';
import { jobRunner } from '../cloud/job-runner.ts';
import { describeCloudCode } from '../cloud/describe.ts';
import type { AccountHooks } from '../auth/account-hooks.ts';
import { showHookLocations, Webhooks } from '../cloud/webhooks/index.ts';
import { Readiness, useReady } from './routes/ready.ts';
import { PlinthMetrics } from './metrics/metrics.ts';
import { useMetrics } from './plugins/use-metrics.ts';
import { TrustedDocuments } from './plugins/use-trusted-documents.ts';
import type { FileStorage } from '../files/types.ts';
import { FileDownloads, type FileLinks } from '../files/access/index.ts';
import type { FileService } from '../files/index.ts';
import { startServerFiles, type ServerFiles } from './files.ts';
import { isGraphQLUpload } from './uploads/is-upload.ts';
import { createDirectLane, type DirectLane } from './direct-lane.ts';
import { parseCredentialsCheck } from './plugins/use-parse-auth.ts';
import { createProviders, PushService, type PushInput, type PushTriggers } from '../push/index.ts';
import type { Auth } from '../security/index.ts';
import { wirePushHooks, type PushHooks } from '../cloud/push-triggers.ts';
import { AdminAccounts } from '../admin/accounts/index.ts';
import { createAdminGraphQL, type AdminGraphQL, type AdminGraphQLDeps } from '../admin/graphql/index.ts';
import { exportObjects } from '../admin/export.ts';
import { createDashboard, type Dashboard } from './dashboard/index.ts';
import type { GraphQLProxyDeps } from './dashboard/proxy.ts';
import { recordSchemaChange, registerAudit, startAuditRetention } from '../admin/audit/index.ts';
import { recentLogsFor } from '../admin/logs/index.ts';
import { createRestApi, type RestApi } from '../rest/index.ts';

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
  /** Cloud code: the registry in force, the runtime that runs it, reloads. */
  cloud: ServerCloud;
  /** Cloud jobs: runJob, schedules, the registry view (`describe`). */
  jobs: CloudJobs;
  /** Push notifications: sendPush, delivery on the job engine. */
  push: PushService;
  /** The job engine every kind of background work shares (`send`/`work` for internal queues). */
  queue: JobQueue;
  /** Webhooks (Parse's Hooks API): stored hooks layered over the cloud code, after-trigger deliveries. */
  webhooks: Webhooks;
  /** Whether this instance can serve (`GET /ready`). */
  readiness: Readiness;
  /** Prometheus metrics (`GET /metrics`), when PLINTH_METRICS is on. */
  metrics?: PlinthMetrics;
  /** The documents callers without the master key may run, when PLINTH_TRUSTED_DOCUMENTS is set. */
  trustedDocuments?: TrustedDocuments;
  /** Where file contents live; absent: no files are served. */
  fileStorage?: FileStorage;
  /** File URLs as PLINTH_FILES_ACCESS hands them out, and who may download what. */
  fileDownloads: FileDownloads;
  /** Uploads (who may upload, streaming to the storage, file triggers) and `deleteStoredFile`. */
  files: FileService;
  /** Objects mode: who may put a stored name into a File field (`check` before a write); absent without storage. */
  fileLinks?: FileLinks;
  /** Plain JSON POSTs to the endpoint, served past Yoga's HTTP layer (absent with trusted documents, which check there). */
  directLane?: DirectLane;
  /** The GraphQL endpoint as a WHATWG fetch handler (also a node:http request listener). */
  graphql: ReturnType<typeof createGraphQLHandler>;
  /** The dashboard: its users and sessions, its GraphQL endpoint, and the /dashboard routes. */
  admin: PlinthAdmin;
  /** Parse's REST API under PLINTH_REST_PATH (/parse), a second thin transport over core. */
  rest: RestApi;
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

/** The dashboard's pieces (PLINTH_DASHBOARD; present, and answering 404, when it is off). */
export interface PlinthAdmin {
  /** Dashboard users, sessions (the AdminSessionResolver), login, TOTP, first-run setup. */
  accounts: AdminAccounts;
  /** The admin GraphQL endpoint at /dashboard/graphql. */
  graphql: AdminGraphQL;
  /** The /dashboard routes (UI, account API, GraphQL behind the cookie, Origin and CSRF checks). */
  dashboard: Dashboard;
  /** First run only (no dashboard user yet): the one-time link that creates the first owner; print it once. */
  setupUrl?: string;
}

export interface CreateOptions {
  logger?: Logger;
  /** An already open database (tests); otherwise opened from the config. */
  db?: Database;
  /** A mail adapter to use instead of the configured one (tests capture mail this way). */
  mail?: MailAdapter;
  /** Cloud code given as a function (createServer's `cloud` option) instead of `config.cloud`'s file. */
  cloudSetup?: CloudSetup;
  /** Where file contents live (tests give their own); the caller closes it. Absent: the configured store (PLINTH_FILES_ADAPTER); null: none. */
  fileStorage?: FileStorage | null;
  /** Where the dashboard's built UI is (tests); default dist/dashboard of the package. */
  dashboardDir?: string;
}

/**
 * Opens the database, applies migrations, loads the catalog, builds the first schema and
 * wires the request pipeline and live queries. Schema changes made by other instances arrive
 * over the pub/sub; polling the catalog version stays as the fallback.
 */
export async function createPlinth(config: Config, options: CreateOptions = {}): Promise<Plinth> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.ops.logFormat);
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: config.databasePoolSize }));
  let live: LiveQueries | undefined;
  let counters: RedisCounters | undefined;
  let cloud: ServerCloud | undefined;
  let queue: JobQueue | undefined;
  let jobs: CloudJobs | undefined;
  let webhooks: Webhooks | undefined;
  let serverFiles: ServerFiles | undefined;
  let push: PushService | undefined;
  try {
    // First: a bad file stops start-up with its line before anything else is done.
    const custom = config.graphqlSchemaFile ? loadCustomSchema(config.graphqlSchemaFile) : undefined;
    const trustedDocuments = config.ops.trustedDocumentsFile ? TrustedDocuments.load(config.ops.trustedDocumentsFile) : undefined;
    const migrated = await migrate(db);
    if (migrated.applied.length) logger.info({ applied: migrated.applied }, 'database migrations applied');
    if (migrated.changed.length) logger.warn({ changed: migrated.changed }, 'applied migrations have changed since they ran');
    const schemaStore = new SchemaStore(db, logger);
    schemaStore.addValidator(refuseCollisions);
    if (custom) schemaStore.addValidator(refuseCustomSchemaClashes(custom));
    await schemaStore.load();
    warnAboutPublicClasses(schemaStore.current, logger);
    const unaccent = (await db.query(`SELECT 1 AS "ok" FROM pg_extension WHERE extname = 'unaccent'`)).length > 0;
    const hooks = new HookRegistry();
    const events = new ChangeEvents();
    // Parse Server still sharing the database (bcrypt passwords) must keep reading its session tokens.
    const sessions = new Sessions(db, { lifetimeMs: config.sessionLengthMs, keepParseTokens: config.auth.passwordHash === 'bcrypt' });
    const providers = createAuthProviders(config.auth, logger);
    // First of the _User hooks: the email flows' hooks rely on the user rules having run.
    registerUserHooks(hooks, { db, sessions, providers, config: config.auth });
    registerInstallationRules(hooks, db);
    registerRoleRules(hooks);
    const core = new Core({ db, schema: schemaStore, hooks, events, logger, defaultLimit: config.defaultLimit, maxLimit: config.maxLimit, unaccent });
    const schemas = new SchemaHolder(schemaStore, logger, custom);
    schemaStore.startPolling(config.schemaPollMs);
    const roles = new RoleResolver(db, logger);
    await roles.refreshIfChanged();
    roles.startPolling(config.schemaPollMs);
    // Role changes made here take effect on the next request; elsewhere, within a poll.
    hooks.register('_Role', { afterCommit: () => roles.invalidate() });
    // ── Audit trail and recent logs (admin/audit, admin/logs) ──────────────────────────────
    // Writes by dashboard admins, the master key and cloud code with it are recorded in their
    // own transaction; other writes skip the hook. Old entries go after PLINTH_AUDIT_RETENTION_DAYS.
    // The dashboard's Logs screen reads recentLogsFor(logger) (the same buffer, tapped here).
    registerAudit(hooks, { classes: () => schemaStore.current.classes });
    const stopAuditRetention = startAuditRetention(db, config.dashboard.auditRetentionDays, logger);
    recentLogsFor(logger, { secrets: [config.masterKey] });
    // ────────────────────────────────────────────────────────────────────────────────────────
    // Several instances (Redis): login, signup and cloud rate limits hold across all of them.
    counters = config.live.redisUrl ? new RedisCounters({ url: config.live.redisUrl, appId: config.appId, logger }) : undefined;
    const accountHooks: AccountHooks = {};
    // Cloud code's `data.push` reaches the push service, which is made once the job engine is.
    const pushSlot: { send?: (auth: Auth, input: PushInput) => Promise<string> } = {};
    // File URLs as PLINTH_FILES_ACCESS hands them out (signed in objects mode), for GraphQL and cloud code alike.
    const fileDownloads = new FileDownloads(config.filesAccess, `${config.publicUrl}/files/${encodeURIComponent(config.appId)}`);
    cloud = await startServerCloud({
      config,
      logger,
      fileUrl: (name) => fileDownloads.url(name),
      core,
      hooks,
      schemaStore,
      sessions: sessionResolver(sessions, roles),
      counters,
      setup: options.cloudSetup,
      accountHooks,
      push: pushSlot,
    });
    cloud.follow(schemas);
    // Background work: the engine first takes over the runs that dead instances left, then cloud
    // jobs follow the loaded code (working the run queue and the schedules once it has jobs).
    queue = new JobQueue(db, { pollMs: config.jobs.pollMs, sweepMs: config.jobs.sweepMs, graceMs: config.jobs.graceMs, logger });
    // Files: served and deleted through the storage; its orphans cleaned by a built-in job.
    serverFiles = startServerFiles({ config, logger, db, core, hooks, schemaStore, cloud, downloads: fileDownloads, storage: options.fileStorage });
    const files = serverFiles;
    const background = (jobs = new CloudJobs({
      db,
      queue,
      holder: files.jobs,
      hooks,
      run: jobRunner(cloud.runtime, cloud.env),
      config: config.jobs,
      logger,
    }));
    const engine = queue;
    // Defined before the engine starts: its sweep settles deliveries that dead instances left.
    const hooked = (webhooks = new Webhooks({
      db,
      queue,
      holder: cloud.holder,
      runtime: cloud.runtime,
      hooks,
      env: cloud.env,
      config: config.webhooks,
      production: config.production,
      logger,
    }));
    const pushHooks: PushHooks = {};
    const stopPushHooks = wirePushHooks(pushHooks, cloud.holder, cloud.runtime);
    const pushing = (push = new PushService({
      db,
      core,
      schemaStore,
      queue,
      providers: createProviders(config.push, { logger }),
      config: config.push,
      logger,
      triggers: () => pushHooks as PushTriggers,
    }));
    pushSlot.send = (auth, input) => pushing.send(auth, input, { source: 'cloud' });
    await engine.start();
    await background.start();
    await hooked.start();
    await pushing.start();
    const mail = options.mail ?? createMailAdapter(config.auth, config.dataDir, logger);
    const emailFlows = createEmailFlows({
      db,
      core,
      hooks,
      sessions,
      mail,
      config: config.auth,
      publicUrl: config.publicUrl,
      appId: config.appId,
      logger,
      accountHooks,
    });
    const accounts = new Accounts({
      db,
      core,
      sessions,
      roles,
      emailFlows,
      providers,
      config: config.auth,
      logger,
      sharedCounters: counters,
      hooks: accountHooks,
    });
    live = await startLive({ config, logger, schemaStore, events, sessions, roles, cloud: cloud.runtime });
    const code = cloud;
    const pubsub = live.pubsub;
    const redisConnected = config.live.redisUrl ? () => pubsub.connected : undefined;
    const readiness = new Readiness({ db, schemaVersion: () => schemaStore.current.version, redisConnected, logger });
    await readiness.start();
    const metrics = config.ops.metrics
      ? new PlinthMetrics({
          db,
          schema: () => ({ version: schemaStore.current.version, classes: schemaStore.current.classes.size }),
          cloudRegistered: () => ({
            function: code.holder.current.functions.size,
            trigger: code.holder.current.triggers.length,
            job: code.holder.current.jobs.size,
          }),
          cloudStats: code.runtime.stats,
          redisConnected,
        })
      : undefined;
    const describeCode = async () =>
      showHookLocations(
        await describeCloudCode({
          registry: files.jobs.current,
          file: config.cloudCode.file,
          loadedAt: code.holder.loadedAt,
          stats: code.runtime.stats,
          jobs: background,
        }),
      );
    if (trustedDocuments)
      logger.info({ file: config.ops.trustedDocumentsFile, documents: trustedDocuments.size }, 'trusted documents: only these run without the master key');
    const graphql = createGraphQLHandler({
      config,
      logger,
      core,
      schemaStore,
      schemas,
      sessions: sessionResolver(sessions, roles),
      accounts,
      emailFlows,
      routes: [
        useReady(readiness),
        ...(metrics ? [useMetrics(metrics, { token: config.ops.metricsToken })] : []),
        useAccountPages(config, emailFlows, logger),
        ...files.routes.open,
      ],
      authenticatedRoutes: files.routes.authenticated,
      fileAccess: files.access,
      trustedDocuments,
      files: files.service,
      live: live.context,
      cloud: {
        ...cloud.calls,
        describe: describeCode,
        webhooks: hooked,
      },
      jobs: background,
      push: { send: (auth, input, opts) => pushing.send(auth, input, opts) },
      // The master key's schema changes join the audit trail, as the dashboard's do.
      schemaChanged: (auth, className, before, after) => recordSchemaChange(db, auth, className, before, after),
    });
    const directLane = trustedDocuments
      ? undefined
      : createDirectLane({
          yoga: graphql,
          limits: config.limits,
          checkCredentials: parseCredentialsCheck({
            appId: config.appId,
            masterKey: config.masterKey,
            sessions: sessionResolver(sessions, roles),
            logger,
            masterKeyIps: config.auth.masterKeyIps,
          }),
          logger,
        });
    const admin = await startAdmin({
      config,
      logger,
      db,
      core,
      schemaStore,
      roles,
      live: live.context,
      counters,
      cloud: { callFunction: (name, params, auth) => code.runtime.callFunction(name, params, auth), describe: describeCode },
      jobs: background,
      fileUrl: (name) => fileDownloads.url(name),
      fileStorage: files.storage,
      deleteFile: (name, auth) => files.service.deleteStoredFile(name, auth),
      files: files.service,
      push: pushing,
      dashboardDir: options.dashboardDir,
      proxy: { config, graphql, core, roles, logger },
    });
    const { dashboard } = admin;
    const rest = createRestApi({
      config,
      logger,
      core,
      schemaStore,
      sessions,
      roles,
      accounts,
      emailFlows,
      cloud: { runtime: code.runtime, env: code.env },
      jobs: background,
      push: pushing,
      files: files.service,
      fileUrl: (name) => fileDownloads.url(name),
      schemaChanged: (auth, className, before, after) => recordSchemaChange(db, auth, className, before, after),
    });
    // Dashboard sessions ended here close their sockets on every instance.
    const stopSharingAdminSessions = await admin.accounts.sessions.share(live.pubsub, config.appId);
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
      cloud: code,
      jobs: background,
      push: pushing,
      queue: engine,
      webhooks: hooked,
      readiness,
      metrics,
      trustedDocuments,
      fileStorage: files.storage,
      fileDownloads,
      fileLinks: files.links,
      files: files.service,
      graphql,
      directLane,
      admin,
      rest,
      async fetch(request) {
        const { pathname } = new URL(request.url);
        if (dashboard.owns(pathname)) return dashboard.fetch(request);
        if (rest.owns(pathname)) return rest.fetch(request);
        // An upload streams past the body limit: its own limits apply (plugins/use-uploads.ts).
        if (isGraphQLUpload(request.method, request.url, request.headers.get('content-type'), config.graphqlPath)) return graphql.fetch(request);
        const limited = await limitFetchBody(request, config.limits.maxBodyBytes);
        return limited instanceof Response ? limited : graphql.fetch(limited);
      },
      async close() {
        readiness.stop();
        stopAuditRetention();
        metrics?.close();
        hooked.stop();
        // No new runs; runs in progress get the grace period, while cloud code and the database are still there.
        await background.stop().catch((error) => logger.error({ err: error }, 'cloud jobs did not stop cleanly'));
        await engine.stop().catch((error) => logger.error({ err: error }, 'the job engine did not stop cleanly'));
        stopPushHooks();
        await pushing.close().catch((error) => logger.error({ err: error }, 'push providers did not close cleanly'));
        code.close();
        await stopSharingAdminSessions().catch(() => undefined);
        // Subscriptions end first (their streams finish), while the database is still there.
        await started.close().catch((error) => logger.error({ err: error }, 'live queries did not close cleanly'));
        schemaStore.stopPolling();
        roles.stopPolling();
        await mail.close?.();
        await counters?.close();
        await files.close().catch((error) => logger.error({ err: error }, 'the file storage did not close cleanly'));
        await db.close();
      },
    };
  } catch (error) {
    webhooks?.stop();
    await jobs?.stop().catch(() => undefined);
    await queue?.stop().catch(() => undefined);
    await push?.close().catch(() => undefined);
    cloud?.close();
    await live?.close().catch(() => undefined);
    await counters?.close().catch(() => undefined);
    await serverFiles?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}

type AdminStartDeps = Omit<AdminGraphQLDeps, 'sessions' | 'adminUsers' | 'logs'> & {
  counters?: RedisCounters;
  dashboardDir?: string;
  /** The GraphiQL screen's proxy to the public endpoint. */
  proxy: GraphQLProxyDeps;
  /** Uploads from the data browser's File cells. */
  files: FileService;
};

/**
 * The dashboard: its accounts, its GraphQL endpoint and routes; on the first run (no dashboard
 * user yet, dashboard on) a one-time setup link.
 */
async function startAdmin(deps: AdminStartDeps): Promise<PlinthAdmin> {
  const { config, logger, db, counters, dashboardDir, proxy, files, ...rest } = deps;
  const accounts = new AdminAccounts({ db, config: config.dashboard, logger, counters });
  // The Logs screen's buffer (tapped at start-up in createPlinth; the same one here).
  const logs = recentLogsFor(logger, { secrets: [config.masterKey] });
  const graphqlDeps: AdminGraphQLDeps = { ...rest, config, logger, db, sessions: accounts.sessions, adminUsers: accounts.users, logs };
  const graphql = createAdminGraphQL(graphqlDeps);
  const dashboard = createDashboard({
    config,
    logger,
    accounts,
    graphql,
    exportObjects: (principal, className, format, where) => exportObjects(graphqlDeps, principal, className, format, where),
    dist: dashboardDir,
    proxy,
    files,
  });
  const token = config.dashboard.enabled ? await accounts.setup.prepare() : undefined;
  return { accounts, graphql, dashboard, setupUrl: token ? `${config.publicUrl}/dashboard/setup#token=${token}` : undefined };
}
