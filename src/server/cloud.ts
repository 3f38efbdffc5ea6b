import type { Config } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { Core, HookRegistry } from '../core/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import { resolveAuth, type SessionResolver } from '../auth/index.ts';
import type { SharedCounters } from '../auth/rate-limit.ts';
import { startCloud, type CloudCode } from '../cloud/start.ts';
import { createObjectFactory } from '../cloud/object-factory.ts';
import { decodeParams, encodeResult } from '../cloud/codec.ts';
import { CloudRateLimits } from '../cloud/validators/index.ts';
import type { CloudSetup } from '../cloud/types.ts';
import type { CloudEnv } from '../cloud/object/index.ts';
import { ErrorCode, ParseError, errors } from '../errors/index.ts';
import type { DataDeps } from '../cloud/data/api.ts';
import type { CloudCalls, GraphQLContext } from '../graphql/context.ts';
import { callableFunctions } from '../graphql/cloud/functions.ts';
import type { SchemaHolder } from './schema-holder.ts';
import type { AccountHooks } from '../auth/account-hooks.ts';
import { wireAccountHooks } from '../cloud/account-triggers.ts';
import { fromStored } from '../schema/stored.ts';

/**
 * Sessions are not a class of the catalog; afterLogout's object still gets Parse's types (the
 * user as a pointer, dates as Dates).
 */
const SESSION_CLASS = fromStored({
  className: '_Session',
  fields: {
    user: { type: 'Pointer', targetClass: '_User' },
    installationId: { type: 'String' },
    expiresAt: { type: 'Date' },
    createdWith: { type: 'Object' },
    restricted: { type: 'Boolean' },
  },
});

export interface ServerCloudDeps {
  config: Config;
  logger: Logger;
  /** The URL of a stored file as the server hands it out (signed in objects mode); default: the public URL. */
  fileUrl?(name: string): string;
  core: Core;
  hooks: HookRegistry;
  schemaStore: SchemaStore;
  sessions: SessionResolver;
  counters?: SharedCounters;
  setup?: CloudSetup;
  /** The server's account hooks, filled with the login, logout and password-reset triggers. */
  accountHooks: AccountHooks;
  /** Where cloud code's `data.push` sends: filled once the push service exists (it is made after cloud code). */
  push?: { send?: DataDeps['push'] };
}

/** Cloud code as the server runs it, with what GraphQL calls. */
export interface ServerCloud extends CloudCode {
  /** How files are named in URLs and what the object model knows of classes. */
  env: CloudEnv;
  calls: CloudCalls;
  /** Keeps the GraphQL schema's function list in step with the loaded code. */
  follow(schemas: SchemaHolder): void;
}

/**
 * Starts cloud code for the server (PLINTH_CLOUD, or createServer's `cloud` function) and
 * exposes it to GraphQL: callCloudCode and custom-schema resolvers run functions as the
 * request's caller; the schema lists the loaded functions and follows reloads.
 */
export async function startServerCloud(deps: ServerCloudDeps): Promise<ServerCloud> {
  const { config, logger } = deps;
  const fileBaseUrl = `${config.publicUrl}/files/${encodeURIComponent(config.appId)}`;
  const env: CloudEnv = {
    classOf: (className) => deps.schemaStore.current.classes.get(className) ?? (className === '_Session' ? SESSION_CLASS : undefined),
    fileUrl: deps.fileUrl ?? ((name) => `${fileBaseUrl}/${encodeURIComponent(name)}`),
  };
  const cloud = await startCloud({
    core: deps.core,
    schema: deps.schemaStore,
    hooks: deps.hooks,
    objects: createObjectFactory(env),
    sessionAuth: (token) => resolveAuth({ sessionToken: token }, config.masterKey, deps.sessions),
    aggregate: (auth, className, pipeline) => deps.core.aggregate(auth, className, pipeline),
    distinct: (auth, className, field, where) => deps.core.distinct(auth, className, field, where),
    push: (auth, push) => {
      const send = deps.push?.send;
      if (!send) throw new ParseError(ErrorCode.PUSH_MISCONFIGURED, 'Missing push configuration');
      return send(auth, push);
    },
    rateLimits: new CloudRateLimits({ shared: deps.counters }),
    logger,
    timeoutMs: config.cloudCode.timeoutMs,
    slowMs: config.cloudCode.slowMs,
    production: config.production,
    file: config.cloudCode.file,
    setup: deps.setup,
    watch: config.cloudCode.watch,
  });
  const stopAccounts = wireAccountHooks(deps.accountHooks, cloud.holder, cloud.runtime);
  const calls: CloudCalls = {
    call(name: string, params: Record<string, unknown>, c: GraphQLContext) {
      if (typeof params !== 'object' || params === null || Array.isArray(params)) throw errors.invalidJson('params must be an object');
      return cloud.runtime.callFunction(name, decodeParams(params, env) as Record<string, unknown>, c.auth);
    },
    encode: (result) => encodeResult(result, env),
    active: () => !cloud.holder.current.isEmpty,
  };
  return {
    ...cloud,
    close() {
      stopAccounts();
      cloud.close();
    },
    env,
    calls,
    follow(schemas) {
      const parts = () => ({ functionNames: callableFunctions(cloud.holder.current.functions.keys()) });
      schemas.cloudChanged(parts());
      cloud.holder.onChange(() => schemas.cloudChanged(parts()));
    },
  };
}
