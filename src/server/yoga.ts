import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { PARSE_REQUEST_HEADERS } from '../auth/index.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { Core } from '../core/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import { Auth } from '../security/index.ts';
import { Loaders, type GraphQLContext } from '../graphql/index.ts';
import type { CloudCalls, FileAccessContext, LiveContext, SchemaChanged } from '../graphql/context.ts';
import type { CloudJobsApi } from '../graphql/cloud/jobs.ts';
import type { PushApi } from '../graphql/push/send-push.ts';
import type { Accounts, EmailFlows, SessionResolver } from '../auth/index.ts';
import type { SchemaHolder } from './schema-holder.ts';
import { authOf, cloudContextOf, useParseAuth } from './plugins/use-parse-auth.ts';
import { useCloudTrace } from './plugins/use-cloud-trace.ts';
import { useLimits } from './plugins/use-limits.ts';
import { useIntrospectionControl } from './plugins/use-introspection-control.ts';
import { useRowBudget } from './plugins/use-row-budget.ts';
import { maskError } from './plugins/mask-error.ts';
import { useJit } from './plugins/use-jit.ts';
import { documentCache } from './document-cache.ts';
import { AddressSlots } from '../live/index.ts';
import { useSseLimit } from './plugins/use-sse-limit.ts';
import { useTrustedDocuments, type TrustedDocuments } from './plugins/use-trusted-documents.ts';
import { useRequestErrors } from './plugins/use-request-errors.ts';
import { uploadsOf, useUploads } from './plugins/use-uploads.ts';
import type { FileService } from '../files/index.ts';

export interface YogaDeps {
  config: Config;
  logger: Logger;
  core: Core;
  schemaStore: SchemaStore;
  schemas: SchemaHolder;
  sessions: SessionResolver;
  accounts: Accounts;
  emailFlows: EmailFlows;
  /** Extra routes (account pages for emailed links, …) as Yoga plugins. */
  routes: Plugin[];
  /** Routes that need Parse's credentials (file deletion): after useParseAuth, which resolves them (`authOf`). */
  authenticatedRoutes?: Plugin[];
  /** File URLs (signed in objects mode) and deleteFile; absent without file storage. */
  fileAccess?: FileAccessContext;
  /** File uploads (GraphQL multipart requests, streamed to storage); without it Yoga's own parser reads them. */
  files?: FileService;
  /** Live queries (subscriptions); without it, subscribing answers with an error. */
  live?: LiveContext;
  /** Cloud functions (callCloudCode, custom schema resolvers). */
  cloud?: CloudCalls;
  /** Cloud jobs (runJob). */
  jobs?: CloudJobsApi;
  /** Push notifications (sendPush). */
  push?: PushApi;
  /** Told of schema changes made through the API (the audit trail). */
  schemaChanged?: SchemaChanged;
  /** PLINTH_TRUSTED_DOCUMENTS: callers without the master key run only these documents. */
  trustedDocuments?: TrustedDocuments;
}

/**
 * What the graphql-ws server (server/ws.ts) hands Yoga for each operation: the Auth resolved
 * from the connection's `connectionParams` (useParseAuth's onRequest does not run for
 * WebSocket operations) and the client's address.
 */
export interface SocketContext {
  socketAuth: Auth;
  clientIp?: string;
  installationId?: string | null;
}

/**
 * Serves the schema version current when an operation starts, over HTTP and WebSocket alike
 * (Yoga's own schema factory runs only while parsing an HTTP request).
 */
function useCurrentSchema(schemas: SchemaHolder): Plugin {
  return {
    onEnveloped({ setSchema }) {
      setSchema(schemas.current);
    },
  };
}

/**
 * What the direct lane (an HTTP request: `res`) or server/ws.ts (a graphql-ws operation:
 * `socket`, and the caller already known: `socketAuth`, `clientIp`, `installationId`) hands
 * envelop as the initial context.
 */
export interface InitialContext extends Partial<SocketContext> {
  request: Request;
  params: unknown;
  req: unknown;
  res?: unknown;
  socket?: unknown;
}

/**
 * The initial context with a slot, in one order, for every key the context factory below adds.
 * Envelop merges the factory's result into the initial object key by key; growing a small
 * object by 17 keys that way turns it into a dictionary (V8), which made the merge ~1 µs and
 * every `context.x` a resolver reads a hash lookup. With every slot already there the merge
 * only overwrites, and every context of the lane and of graphql-ws has one shape (a
 * subscription's context is read by every event's resolvers).
 * test/server/direct-lane.db.test.ts checks that the context built has exactly these keys.
 */
export function contextSeed(initial: InitialContext): InitialContext & Record<keyof GraphQLContext, unknown> {
  return {
    request: initial.request,
    params: initial.params,
    req: initial.req,
    res: initial.res,
    socket: initial.socket,
    socketAuth: initial.socketAuth,
    clientIp: initial.clientIp,
    installationId: initial.installationId,
    auth: undefined,
    core: undefined,
    schemaStore: undefined,
    loaders: undefined,
    fileBaseUrl: undefined,
    accounts: undefined,
    emailFlows: undefined,
    transport: undefined,
    live: undefined,
    cloud: undefined,
    jobs: undefined,
    push: undefined,
    schemaChanged: undefined,
    fileAccess: undefined,
    uploads: undefined,
  };
}

/**
 * The GraphQL endpoint: Yoga serving the current schema version, with Parse's credential
 * handling, limits and error masking as plugins, and a fresh context (auth, loaders) per request.
 */
export function createGraphQLHandler(deps: YogaDeps): YogaServerInstance<Record<string, unknown>, GraphQLContext> {
  const { config, logger } = deps;
  const fileBaseUrl = `${config.publicUrl}/files/${encodeURIComponent(config.appId)}`;
  // Cloud code gets the request's details (and shares its context between triggers); without
  // cloud code loaded the request carries only its installation id (the installation rules,
  // push/installations, read it), and nothing when it has none.
  const forCloud = (auth: Auth, request: Request | undefined, clientIp: string | undefined, installationId: string | null | undefined): Auth =>
    deps.cloud?.active()
      ? auth.withRequest({
          ip: clientIp,
          headers: request?.headers,
          installationId: installationId ?? undefined,
          context: (request && cloudContextOf(request)) ?? {},
          trace: [],
          cache: new Map(),
        })
      : installationId
        ? auth.withRequest({ installationId, context: {} })
        : auth;
  // One caller per HTTP request: the upload plugin's file triggers and the operation share its
  // cloud context, trace and cache.
  const httpCallers = new WeakMap<Request, Auth>();
  const httpCaller = (request: Request, clientIp: string | undefined): Auth => {
    let auth = httpCallers.get(request);
    if (!auth) {
      auth = forCloud(authOf(request) ?? Auth.anonymous(), request, clientIp, request.headers.get('x-parse-installation-id'));
      httpCallers.set(request, auth);
    }
    return auth;
  };
  return createYoga<Record<string, unknown>, GraphQLContext>({
    graphqlEndpoint: config.graphqlPath,
    logging: false,
    landingPage: false,
    // GraphiQL's assets ship inside the package, so the page works without internet access.
    // They are a 5 MB bundle (~40 MB resident): loaded on the first page view, not at start.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    healthCheckEndpoint: '/health',
    graphiql: {
      title: 'Plinth GraphiQL',
      headers: JSON.stringify({ 'X-Parse-Application-Id': config.appId, 'X-Parse-Master-Key': '' }, null, 2),
      defaultQuery: config.publicIntrospection
        ? '# Add your master key in the Headers tab to manage classes.\n{\n  health\n}\n'
        : '# Add your master key in the Headers tab, then re-fetch the schema (Shift-Ctrl-R):\n# this server shows its schema to the master key only.\n{\n  health\n}\n',
    },
    // API.md: the request's Origin is reflected (credentials travel in headers, not cookies).
    cors: (request) => ({
      origin: request.headers.get('origin') ?? '*',
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
      allowedHeaders: [...PARSE_REQUEST_HEADERS],
    }),
    // Enforced before Yoga (server/body-limit.ts), without wrapping every body in a stream.
    maxRequestBodySize: false,
    parserAndValidationCache: { documentCache: documentCache(), errorCache: documentCache(), validationCache: true },
    maskedErrors: { maskError: maskError(logger) },
    plugins: [
      useCurrentSchema(deps.schemas),
      ...deps.routes,
      useParseAuth({ appId: config.appId, masterKey: config.masterKey, sessions: deps.sessions, logger, masterKeyIps: config.auth.masterKeyIps }),
      ...(deps.authenticatedRoutes ?? []),
      ...(deps.files ? [useUploads({ files: deps.files, caller: httpCaller, maxOperationsBytes: config.limits.maxBodyBytes, logger })] : []),
      ...(deps.trustedDocuments ? [useTrustedDocuments(deps.trustedDocuments)] : []),
      // "Did you mean" suggestions name the schema's fields: hidden wherever introspection is not public.
      ...useLimits(config.limits, config.production || !config.publicIntrospection),
      // Before useJit: an operation they refuse is never compiled.
      useIntrospectionControl(config.publicIntrospection),
      useRowBudget({ maxRows: config.limits.maxRowsPerRequest, defaultLimit: config.defaultLimit, maxLimit: config.maxLimit }),
      useRequestErrors(),
      useJit(),
      useSseLimit(deps.live?.connections ?? new AddressSlots(config.live.maxConnectionsPerIp)),
      useCloudTrace(logger),
    ],
    context: (initial: { request?: Request; req?: { socket?: { remoteAddress?: string } } } & Partial<SocketContext>) => {
      const { request, req } = initial;
      const clientIp = initial.socketAuth ? initial.clientIp : req?.socket?.remoteAddress;
      const installationId = initial.socketAuth ? initial.installationId : request?.headers.get('x-parse-installation-id');
      const auth =
        !initial.socketAuth && request ? httpCaller(request, clientIp) : forCloud(initial.socketAuth ?? Auth.anonymous(), request, clientIp, installationId);
      return {
        auth,
        core: deps.core,
        schemaStore: deps.schemaStore,
        loaders: new Loaders(deps.core, auth),
        fileBaseUrl,
        accounts: deps.accounts,
        emailFlows: deps.emailFlows,
        transport: initial.socketAuth ? 'ws' : 'http',
        clientIp,
        installationId,
        live: deps.live,
        cloud: deps.cloud,
        jobs: deps.jobs,
        push: deps.push,
        schemaChanged: deps.schemaChanged,
        fileAccess: deps.fileAccess,
        uploads: uploadsOf(request),
      };
    },
  });
}
