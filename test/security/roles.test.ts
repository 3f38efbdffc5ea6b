import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.ts';
import { RoleResolver } from '../../src/security/index.ts';

/** A database whose role query answers from `roles` and can be held until released. */
function fakeDb(roles: Map<string, string[]>) {
  let lookups = 0;
  let version = 1;
  let gate: Promise<void> | undefined;
  const db = {
    async query(text: string, params: unknown[] = []) {
      if (text.includes('_PlinthRoleVersion')) return [{ version: String(version) }];
      lookups++;
      const answer = (roles.get(params[0] as string) ?? []).map((name) => ({ name }));
      if (gate) await gate;
      return answer;
    },
  } as unknown as Database;
  return {
    db,
    lookups: () => lookups,
    bump: () => version++,
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('RoleResolver', () => {
  it("caches a user's roles, and concurrent lookups share one query", async () => {
    const f = fakeDb(new Map([['u1', ['A', 'B']]]));
    const r = new RoleResolver(f.db);
    const [a, b] = await Promise.all([r.rolesOf('u1'), r.rolesOf('u1')]);
    expect(a).toEqual(['A', 'B']);
    expect(b).toBe(a);
    expect(await r.rolesOf('u1')).toBe(a);
    expect(f.lookups()).toBe(1);
  });

  it('an answer read before an invalidation is not cached (it may be stale)', async () => {
    const roles = new Map([['u1', ['A']]]);
    const f = fakeDb(roles);
    const r = new RoleResolver(f.db);
    const release = f.hold();
    const before = r.rolesOf('u1');
    roles.set('u1', []);
    r.invalidate();
    // A lookup started after the invalidation does not join the one started before it.
    const after = r.rolesOf('u1');
    release();
    expect(await before).toEqual(['A']);
    expect(await after).toEqual([]);
    expect(await r.rolesOf('u1')).toEqual([]);
    expect(f.lookups()).toBe(2);
  });

  it('drops the cache when the roles version moves', async () => {
    const roles = new Map([['u1', ['A']]]);
    const f = fakeDb(roles);
    const r = new RoleResolver(f.db);
    expect(await r.refreshIfChanged()).toBe(false);
    await r.rolesOf('u1');
    roles.set('u1', ['A', 'B']);
    expect(await r.refreshIfChanged()).toBe(false);
    expect(await r.rolesOf('u1')).toEqual(['A']);
    f.bump();
    expect(await r.refreshIfChanged()).toBe(true);
    expect(await r.rolesOf('u1')).toEqual(['A', 'B']);
  });
});
