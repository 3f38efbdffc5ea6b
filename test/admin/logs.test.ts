import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecentLogs, recentLogsFor } from '../../src/admin/logs/index.ts';
import { createLogger } from '../../src/config/logger.ts';

const MASTER_KEY = 'master-key-0123456789abcdef';

/** A logger writing to nowhere, with its recent-logs buffer. */
function setup(format: 'json' | 'pretty' = 'json', level = 'info') {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      written.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(level, sink, format);
  const logs = recentLogsFor(logger, { secrets: [MASTER_KEY] });
  return { logger, logs, written };
}

/**
 * The dashboard's Logs screen (issue 14 point 8): the server's last log lines, kept in a
 * bounded ring buffer fed by the logger itself, read newest first with filters — and never
 * holding a master key, session token or password.
 */
describe('recent logs', () => {
  it('keeps what the logger writes and reads it newest first, by level and text', () => {
    const { logger, logs } = setup();
    logger.info({ route: '/graphql' }, 'request served');
    logger.warn('slow query');
    logger.child({ cloud: 'function hello' }).error({ err: new Error('boom') }, 'cloud function failed');
    logger.debug('below the level: never written');

    const all = logs.read();
    expect(all.map((e) => [e.level, e.msg])).toEqual([
      ['error', 'cloud function failed'],
      ['warn', 'slow query'],
      ['info', 'request served'],
    ]);
    expect(all[2].data).toEqual({ route: '/graphql' });
    expect(all[0].data).toMatchObject({ cloud: 'function hello', err: { message: 'boom' } });
    expect(Date.parse(all[0].time)).toBeGreaterThan(Date.now() - 60_000);

    expect(logs.read({ level: 'warn' }).map((e) => e.msg)).toEqual(['cloud function failed', 'slow query']);
    expect(logs.read({ contains: 'SLOW' }).map((e) => e.msg)).toEqual(['slow query']);
    expect(logs.read({ contains: 'hello' }).map((e) => e.msg)).toEqual(['cloud function failed']);
    expect(logs.read({ first: 1 }).map((e) => e.msg)).toEqual(['cloud function failed']);
    expect(() => logs.read({ level: 'loud' })).toThrow(/Unknown log level "loud"/);
  });

  it('is the same buffer for the same logger, and fed in the text format too', () => {
    const { logger, logs, written } = setup('pretty');
    expect(recentLogsFor(logger)).toBe(logs);
    logger.info({ n: 1 }, 'plain text for people');
    expect(written.join('')).toContain('plain text for people');
    expect(logs.read()).toEqual([expect.objectContaining({ level: 'info', msg: 'plain text for people', data: { n: 1 } })]);
  });

  it('never holds a master key, session token or password', () => {
    const { logger, logs, written } = setup();
    logger.info({ password: 'pw-top-level-secret', sessionToken: 'r:top-level-token', masterKey: MASTER_KEY }, 'credentials at the top');
    logger.info({ body: { password: 'pw-nested-secret', sessionToken: 'nested-token-123' } }, 'credentials inside');
    logger.info(
      {
        headers: {
          'x-parse-master-key': MASTER_KEY,
          'x-parse-session-token': 'header-token-456',
          authorization: 'Bearer abc-def',
          cookie: 'plinth_admin=cookie-789',
        },
      },
      'request headers',
    );
    logger.warn(`someone sent ${MASTER_KEY} in a message`);
    const text = JSON.stringify(logs.read());
    for (const secret of [
      'pw-top-level-secret',
      'r:top-level-token',
      MASTER_KEY,
      'pw-nested-secret',
      'nested-token-123',
      'header-token-456',
      'abc-def',
      'cookie-789',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(logs.read()).toHaveLength(4);
    // The logger's own output is redacted as well (the master key inside a message is the buffer's extra guard).
    expect(written.join('')).not.toContain('pw-top-level-secret');
  });

  it('keeps the last 2,000 lines', () => {
    const { logger, logs } = setup();
    for (let i = 0; i < 2500; i++) logger.info({ i }, `line ${i}`);
    expect(logs.length).toBe(2000);
    const read = logs.read({ first: 5000 });
    expect(read).toHaveLength(2000);
    expect(read[0].msg).toBe('line 2499');
    expect(read[1999].msg).toBe('line 500');
  });

  it('is bounded in size: old lines go first, a huge line keeps only its message', () => {
    const logs = new RecentLogs({ maxEntries: 100, maxChars: 2000, maxLineChars: 500 });
    for (let i = 0; i < 50; i++) logs.write(JSON.stringify({ level: 30, time: Date.now(), msg: `m${i}`, pad: 'x'.repeat(100) }) + '\n');
    expect(logs.length).toBeLessThan(20);
    expect(logs.read()[0].msg).toBe('m49');
    logs.write(JSON.stringify({ level: 50, time: Date.now(), msg: 'huge', blob: 'y'.repeat(100_000) }));
    const [huge] = logs.read();
    expect(huge).toMatchObject({ level: 'error', msg: 'huge', data: { truncated: true } });
    expect(JSON.stringify(huge).length).toBeLessThan(500);
  });
});
