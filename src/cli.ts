#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { loadConfig, loadDatabaseConfig, MASTER_KEY_FILE } from './config/index.ts';
import { createLogger } from './config/logger.ts';

// Each command imports what it needs when it runs: `plinth cloud` should not wait for the whole server to load.

const USAGE = `Usage: plinth <command>

Commands:
  start           serve the GraphQL API (PORT, HOST, PLINTH_APP_ID, PLINTH_MASTER_KEY, PLINTH_DATA_DIR, DATABASE_URL)
  migrate         apply pending database migrations and exit (PLINTH_DATA_DIR, DATABASE_URL)
  schema print    print the SDL of the built-in API
  schema write F  write that SDL to file F
  dashboard-user create --email E --role R
                  create a dashboard user (R: OWNER, ADMIN, READ_ONLY, SCOPED); the password is
                  read from PLINTH_DASHBOARD_PASSWORD or, without it, from stdin
  cloud [--json]  where every rule runs: per class the triggers in run order with file:line and
                  validators, the functions, the jobs with their schedules — with counts and
                  p50/p99 from the running server (PLINTH_URL, default http://localhost:$PORT;
                  PLINTH_MASTER_KEY or the data directory's key), else read from PLINTH_CLOUD
`;

async function start(): Promise<void> {
  const config = loadConfig();
  // Text in development, JSON lines in production (PLINTH_LOG_FORMAT forces either).
  const logger = createLogger(config.logLevel, undefined, config.ops.logFormat);
  // Cloud code may start work it does not await (a timer, a promise left behind): its failure
  // is logged, and the server goes on serving — user code never takes the process down.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection (the server keeps running)'));
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception (the server keeps running)'));
  const [{ createPlinth }, { listen }, { limitHeapGrowth }] = await Promise.all([
    import('./server/app.ts'),
    import('./server/http.ts'),
    import('./server/heap-growth.ts'),
  ]);
  // A process-wide setting: only the server's own process makes it, never an app embedding Plinth.
  limitHeapGrowth(config.ops.heapGrowthPercent);
  const plinth = await createPlinth(config, { logger });
  const running = await listen(plinth).catch(async (error: Error) => {
    await plinth.close();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${error.message}`);
  });
  const database = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${path.join(config.dataDir, 'pglite')}`;
  logger.info({ url: running.url, database, appId: config.appId }, `Plinth is serving ${running.url} (GraphiQL in a browser)`);
  if (config.dashboard.enabled) logger.info({ url: `${config.publicUrl}/dashboard/` }, `Dashboard: ${config.publicUrl}/dashboard/`);
  if (plinth.admin.setupUrl) {
    // Printed on the console only (not the log, which may be shipped elsewhere): it creates the first owner, once.
    process.stdout.write(`\nNo dashboard user yet. Create the first owner within 24 hours with this one-time link:\n  ${plinth.admin.setupUrl}\n\n`);
  }
  if (config.masterKeyGenerated) {
    // Printed once, when generated; it is kept in the data directory for the next starts.
    process.stdout.write(`\nGenerated a master key for development (kept in ${path.join(config.dataDir, MASTER_KEY_FILE)}):\n  ${config.masterKey}\n\n`);
  }
  // A second signal during the shutdown gets the default behaviour: the process ends at once.
  const shutdown = (signal: string) => {
    // Stop first: its first step closes the listening socket, so that once this line is
    // printed, new connections are refused.
    const stopping = running.stop();
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    stopping.then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Needs only the database settings: no master key is read or generated. */
async function runMigrate(): Promise<void> {
  const config = loadDatabaseConfig();
  const { openDatabase, migrate } = await import('./db/index.ts');
  const db = await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  try {
    const result = await migrate(db);
    process.stdout.write(result.applied.length ? `applied: ${result.applied.join(', ')}\n` : 'database is up to date\n');
    if (result.changed.length) process.stderr.write(`warning: applied migrations have changed since: ${result.changed.join(', ')}\n`);
  } finally {
    await db.close();
  }
}

/** The value after `--name` (or `--name=value`) in argv. */
function option(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `plinth dashboard-user create`: an operator's way to add a dashboard user (needs only the database). */
async function createDashboardUser(argv: string[]): Promise<void> {
  const email = option(argv, 'email');
  const role = option(argv, 'role') ?? 'ADMIN';
  if (!email)
    throw new Error('usage: plinth dashboard-user create --email E --role OWNER|ADMIN|READ_ONLY|SCOPED (password from PLINTH_DASHBOARD_PASSWORD or stdin)');
  const password = process.env.PLINTH_DASHBOARD_PASSWORD ?? (await readStdin());
  const config = loadDatabaseConfig();
  const [{ openDatabase, migrate }, { AdminAccounts }, { loadDashboardConfig }] = await Promise.all([
    import('./db/index.ts'),
    import('./admin/accounts/index.ts'),
    import('./config/dashboard.ts'),
  ]);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await migrate(db);
    const accounts = new AdminAccounts({ db, config: loadDashboardConfig(process.env) });
    const user = await accounts.users.create({ email, password, role: role.toUpperCase() as never });
    process.stdout.write(`created dashboard user ${user.email} (${user.role})\n`);
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, file] = argv;
  if (command === 'start') return start();
  if (command === 'migrate') return runMigrate();
  if (command === 'dashboard-user' && sub === 'create') return createDashboardUser(argv.slice(2));
  if (command === 'cloud') {
    const { cloudCommand } = await import('./server/cli-cloud.ts');
    return cloudCommand(argv.slice(1), { env: process.env, write: (text) => void process.stdout.write(text) });
  }
  if (command === 'schema' && (sub === 'print' || (sub === 'write' && file))) {
    const { builtInSchema } = await import('./graphql/builtin-schema.ts');
    const sdl = printSchema(builtInSchema()) + '\n';
    if (sub === 'print') process.stdout.write(sdl);
    else writeFileSync(file, sdl);
    return;
  }
  process.stdout.write(USAGE);
  if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
}

/**
 * A failure in one readable line, without a stack. Database driver errors carry the useful part
 * in their cause (`{kind: "DatabaseNotReachable", host, port}`), which is added.
 */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  for (let cause = (error as { cause?: unknown })?.cause; cause && typeof cause === 'object'; cause = (cause as { cause?: unknown }).cause) {
    const { kind, host, port } = cause as { kind?: unknown; host?: unknown; port?: unknown };
    if (kind === 'DatabaseNotReachable' && host) return `cannot reach the database server at ${host}:${port}`;
    if (typeof kind === 'string' && host) return `${message} (${kind}, ${host}:${port})`;
  }
  return message;
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`plinth: ${describeError(error)}\n`);
  process.exit(1);
});
