import { describe, expect, it } from 'vitest';
import { startAuthServer } from './helpers.ts';

describe('start-up warning for open classes', () => {
  it('names the classes whose CLPs are fully public when the server starts', async () => {
    const s = await startAuthServer();
    try {
      await s.ok(
        `mutation { createClass(input: { name: "OpenNote", schemaFields: { addStrings: [{ name: "t" }] } }) { class { name } } }`,
        {},
        { master: true },
      );
      await s.ok(
        `mutation { createClass(input: { name: "ClosedNote", classLevelPermissions: { find: {}, get: {}, count: {}, create: {}, update: {}, delete: {}, addField: {} } }) { class { name } } }`,
        {},
        { master: true },
      );
      // A second server on the same database, as after a restart.
      const { createPlinth } = await import('../../src/server/app.ts');
      const { createLogger } = await import('../../src/config/logger.ts');
      const lines: any[] = [];
      const { Writable } = await import('node:stream');
      const logger = createLogger(
        'warn',
        new Writable({
          write: (c, _e, done) => {
            for (const l of String(c).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
            done();
          },
        }),
      );
      const again = await createPlinth(s.plinth.config, { db: s.database.db, logger });
      const warning = lines.find((l) => /classes open to everyone/.test(l.msg));
      expect(warning?.classes).toContain('OpenNote');
      expect(warning?.classes).not.toContain('ClosedNote');
      // Stops its pollers only; the database belongs to the first server.
      again.schemaStore.stopPolling();
      again.roles.stopPolling();
    } finally {
      await s.close();
    }
  });
});
