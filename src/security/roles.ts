import { LRUCache } from 'lru-cache';
import type { Database } from '../db/index.ts';
import type { Logger } from '../config/logger.ts';

/**
 * The roles a user holds, directly or by inheritance: a user in role B holds every role A whose
 * `roles` relation contains B, at any depth (UNION stops at cycles).
 */
const ROLES_OF_USER = `WITH RECURSIVE held(id) AS (
    SELECT "owningId" FROM "_Join:users:_Role" WHERE "relatedId" = $1
  UNION
    SELECT j."owningId" FROM "_Join:roles:_Role" j JOIN held h ON j."relatedId" = h.id
  )
  SELECT r."name" FROM "_Role" r JOIN held h ON r."objectId" = h.id WHERE r."name" IS NOT NULL ORDER BY r."name"`;

/**
 * Role sets per user, resolved once and cached across requests. The cache is dropped whenever
 * roles change: at once for changes made through this process (`invalidate`), and within a poll
 * interval for changes made elsewhere (a trigger bumps "_PlinthRoleVersion" on any change to
 * "_Role" or its membership tables; every instance polls that one row).
 */
export class RoleResolver {
  private cache = new LRUCache<string, readonly string[]>({ max: 10_000 });
  /** Lookups under way, so that concurrent requests of one user share one query. */
  private pending = new Map<string, Promise<readonly string[]>>();
  private version: string | undefined;
  private poller: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly db: Database,
    private readonly logger?: Logger,
  ) {}

  /** The names of the roles a user holds (inherited ones included), from the cache when it is current. */
  rolesOf(userId: string): Promise<readonly string[]> {
    const hit = this.cache.get(userId);
    if (hit) return Promise.resolve(hit);
    const key = this.generation + '\0' + userId;
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.load(userId).finally(() => this.pending.delete(key));
      this.pending.set(key, lookup);
    }
    return lookup;
  }

  private async load(userId: string): Promise<readonly string[]> {
    const generation = this.generation;
    const rows = await this.db.query<{ name: string }>(ROLES_OF_USER, [userId]);
    const roles = Object.freeze(rows.map((r) => r.name));
    // A change that happened while reading must not be overwritten by the stale answer.
    if (generation === this.generation) this.cache.set(userId, roles);
    return roles;
  }

  /** Forgets every cached role set (a role or a membership changed); lookups started before it are not reused. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Drops the cache if the roles version moved since the last look. */
  async refreshIfChanged(): Promise<boolean> {
    const rows = await this.db.query<{ version: string }>('SELECT "version"::text AS "version" FROM "_PlinthRoleVersion" WHERE "id" = 1');
    const version = rows[0]?.version ?? '0';
    const changed = this.version !== undefined && version !== this.version;
    this.version = version;
    if (changed) this.invalidate();
    return changed;
  }

  startPolling(intervalMs: number): void {
    this.stopPolling();
    let busy = false;
    this.poller = setInterval(() => {
      if (busy) return;
      busy = true;
      this.refreshIfChanged()
        .catch((error) => this.logger?.warn({ err: error }, 'roles version poll failed'))
        .finally(() => (busy = false));
    }, intervalMs);
    this.poller.unref();
  }

  stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}
