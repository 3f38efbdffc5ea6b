import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrator.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('migrating a database Parse Server created', () => {
  it('adds the columns Plinth needs to Parse-shaped _Hooks and _Session, keeping their rows', async () => {
    const t: TestDatabase = await createTestDatabase();
    cleanups.push(() => t.drop());
    // The tables as Parse Server 9.10 creates them on PostgreSQL.
    await t.db.execute('CREATE TABLE "_Hooks" ("functionName" text, "className" text, "triggerName" text, "url" text)');
    await t.db.execute(`INSERT INTO "_Hooks" ("functionName", "url") VALUES ('fromParse', 'https://example.com/hook')`);
    await t.db.execute(
      'CREATE TABLE "_Session" ("objectId" text PRIMARY KEY, "createdAt" timestamptz, "updatedAt" timestamptz, "user" text, "installationId" text, "sessionToken" text, "expiresAt" timestamptz, "createdWith" jsonb, "_rperm" text[], "_wperm" text[])',
    );
    await migrate(t.db);
    const columns = async (table: string) =>
      (await t.db.query<{ name: string }>('SELECT column_name AS "name" FROM information_schema.columns WHERE table_name = $1', [table])).map((r) => r.name);
    expect(await columns('_Hooks')).toEqual(expect.arrayContaining(['objectId', 'createdAt', 'updatedAt', '_rperm', '_wperm', 'functionName', 'url']));
    expect(await columns('_Session')).toContain('restricted');
    const [hook] = await t.db.query<{ objectId: string | null; url: string }>('SELECT "objectId", "url" FROM "_Hooks"');
    expect(hook.url).toBe('https://example.com/hook');
    expect(hook.objectId).toMatch(/^[0-9a-f]{10}$/);
  });
});
