import { randomBytes } from 'node:crypto';
import type { Plinth } from '../../src/server/app.ts';
import { createAdminGraphQL, type AdminGraphQL, type AdminGraphQLDeps } from '../../src/admin/graphql/index.ts';
import type { AdminPrincipal, AdminRole, AdminUser, StoredScope } from '../../src/admin/types.ts';
import { principalOf } from '../../src/admin/accounts/index.ts';

/*
 * Dashboard principals made by hand, without logging in: a `_PlinthAdmin` row (saved views and
 * the audit trail refer to it) and the AdminPrincipal its session would resolve to.
 */

/** A principal of a dashboard user with this role (and scope, for SCOPED), as its session would resolve. */
export async function makeAdmin(plinth: Plinth, role: AdminRole, scope: StoredScope | null = null): Promise<AdminPrincipal> {
  const id = randomBytes(8).toString('hex');
  const email = `${role.toLowerCase()}-${id}@example.com`;
  await plinth.db.execute(`INSERT INTO "_PlinthAdmin" ("id", "email", "password_hash", "role", "scope") VALUES ($1, $2, 'x', $3, $4::jsonb)`, [
    id,
    email,
    role,
    scope ? JSON.stringify(scope) : null,
  ]);
  const user: AdminUser = { id, email, role, scope, disabled: false, totpEnabled: false, createdAt: new Date(), lastLoginAt: null };
  return principalOf(user, { sessionId: `session-${id}`, csrfToken: 'csrf', browsingAs: null });
}

export interface AdminApi {
  graphql: AdminGraphQL;
  /** Browse-as choices made through setBrowsingAs, by session id. */
  browsing: Map<string, string | null>;
  /** Runs one operation as `principal` (with its browse-as user, as its session would resolve it). */
  run<T = any>(
    principal: AdminPrincipal,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: number } }[] }>;
  /** Like run, failing on any error; returns data. */
  ok<T = any>(principal: AdminPrincipal, query: string, variables?: Record<string, unknown>): Promise<T>;
  deps: AdminGraphQLDeps;
}

/** The deps server/app.ts gives the admin endpoint, from a Plinth. */
export function adminDeps(plinth: Plinth, browsing: Map<string, string | null>): AdminGraphQLDeps {
  return {
    config: plinth.config,
    logger: plinth.logger,
    db: plinth.db,
    core: plinth.core,
    schemaStore: plinth.schemaStore,
    roles: plinth.roles,
    sessions: {
      async setBrowsingAs(sessionId, userId) {
        browsing.set(sessionId, userId);
      },
    },
    live: plinth.live.context,
    cloud: {
      callFunction: (name, params, auth) => plinth.cloud.runtime.callFunction(name, params, auth),
      describe: async () => ({ functions: [...plinth.cloud.holder.current.functions.keys()] }),
    },
    jobs: plinth.jobs,
    fileUrl: (name) => plinth.fileDownloads.url(name),
    fileStorage: plinth.fileStorage,
    deleteFile: (name, auth) => plinth.files.deleteStoredFile(name, auth),
    push: plinth.push,
  };
}

export function adminApi(plinth: Plinth, overrides: Partial<AdminGraphQLDeps> = {}): AdminApi {
  const browsing = new Map<string, string | null>();
  const deps = { ...adminDeps(plinth, browsing), ...overrides };
  const graphql = createAdminGraphQL(deps);
  const run = async (principal: AdminPrincipal, query: string, variables?: Record<string, unknown>) => {
    const browsingAs = browsing.get(principal.sessionId) ?? undefined;
    const res = await graphql.fetch(
      new Request('http://localhost/dashboard/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      }),
      { ...principal, browsingAs },
    );
    return (await res.json()) as any;
  };
  return {
    graphql,
    browsing,
    deps,
    run,
    async ok(principal, query, variables) {
      const r = await run(principal, query, variables);
      if (r.errors?.length) throw new Error(`admin GraphQL failed: ${JSON.stringify(r.errors)}`);
      return r.data;
    },
  };
}
