import type { Auth } from '../security/index.ts';
import type { Core } from '../core/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import type { Loaders } from './loaders.ts';
import type { Accounts, EmailFlows } from '../auth/index.ts';

/** Per-request values every resolver may use. Built fresh for each request; never shared. */
export interface GraphQLContext {
  auth: Auth;
  core: Core;
  schemaStore: SchemaStore;
  loaders: Loaders;
  /** Base URL for file links: <publicUrl>/files/<appId>/<name>. */
  fileBaseUrl: string;
  accounts: Accounts;
  emailFlows: EmailFlows;
  /** The client's address as the server saw it (rate limits); absent for in-process requests. */
  clientIp?: string;
  /** X-Parse-Installation-Id, if sent. */
  installationId?: string | null;
}
