/*
 * Plinth's public surface: what `import … from 'plinth'` gives. A cloud file uses
 * `defineCloud`, `CloudError` and the cloud types; a program that embeds Plinth uses
 * `createServer`. Internals are not re-exported.
 */
import { loadConfig, type ConfigInput } from './config/index.ts';
import { createPlinth, type Plinth } from './server/app.ts';
import { listen } from './server/http.ts';
import type { CloudSetup } from './cloud/types.ts';

export { defineCloud } from './cloud/define.ts';
export { CloudError } from './cloud/errors.ts';
export { verifyWebhookSignature } from './cloud/webhooks/signature.ts';
export type * from './cloud/types.ts';
export type { Plinth } from './server/app.ts';

/** createServer's options: any configuration (they win over the environment), and the cloud code. */
export interface ServerOptions extends Omit<ConfigInput, 'cloud'> {
  /** The cloud file's path (as PLINTH_CLOUD), or the setup function itself. */
  cloud?: string | CloudSetup;
  /** The environment to read the rest of the configuration from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** A Plinth serving HTTP. */
export interface PlinthServer {
  /** The GraphQL endpoint: `http://localhost:1337/graphql`. */
  url: string;
  /** The running instance: configuration, database, core operations, logger. */
  plinth: Plinth;
  /** Stops accepting connections, finishes requests in flight, then closes the database. */
  close(): Promise<void>;
}

/**
 * Starts Plinth from a program, as `plinth start` does: reads the configuration (environment,
 * then `options`), opens the database and applies migrations, loads the cloud code, and listens
 * (`port: 0` picks a free port). Rejects, with everything it opened closed again, when any
 * step fails.
 */
export async function createServer(options: ServerOptions = {}): Promise<PlinthServer> {
  const { cloud, env = process.env, ...overrides } = options;
  const cloudFile = typeof cloud === 'string' ? cloud : undefined;
  let config = loadConfig(env, { ...overrides, cloud: cloudFile });
  // A setup function given here is the cloud code: PLINTH_CLOUD must not add a file to it.
  if (typeof cloud === 'function') config = { ...config, cloud: undefined, cloudCode: { ...config.cloudCode, file: undefined } };
  const plinth = await createPlinth(config, { cloudSetup: typeof cloud === 'function' ? cloud : undefined });
  const running = await listen(plinth).catch(async (error: unknown) => {
    await plinth.close();
    throw error;
  });
  return { url: running.url, plinth, close: () => running.stop() };
}
