import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadDatabaseConfig, MASTER_KEY_FILE } from '../../src/config/index.ts';

// DESIGN.md "Running": PORT, HOST, PLINTH_APP_ID, PLINTH_MASTER_KEY, PLINTH_DATA_DIR, DATABASE_URL.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'plinth-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'a-master-key-of-some-length';

describe('environment', () => {
  it('defaults: port 1337, all interfaces, app id "plinth", ./.plinth, PGlite', () => {
    const config = loadConfig({ PLINTH_MASTER_KEY: KEY });
    expect(config).toMatchObject({ port: 1337, host: '0.0.0.0', appId: 'plinth', dataDir: path.resolve('.plinth'), databaseUrl: undefined, production: false });
    expect(config.publicUrl).toBe('http://localhost:1337');
  });

  it('reads PORT, HOST, PLINTH_APP_ID, PLINTH_MASTER_KEY, PLINTH_DATA_DIR and DATABASE_URL', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PLINTH_APP_ID: 'myApp',
      PLINTH_MASTER_KEY: KEY,
      PLINTH_DATA_DIR: dir,
      DATABASE_URL: 'postgres://plinth:secret@db.internal:5432/plinth',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      appId: 'myApp',
      masterKey: KEY,
      masterKeyGenerated: false,
      dataDir: dir,
      databaseUrl: 'postgres://plinth:secret@db.internal:5432/plinth',
    });
    expect(config.publicUrl).toBe('http://localhost:8080');
    // A configured key writes nothing to the data directory.
    expect(existsSync(path.join(dir, MASTER_KEY_FILE))).toBe(false);
  });

  it('a relative PLINTH_DATA_DIR is resolved against the working directory', () => {
    expect(loadConfig({ PLINTH_MASTER_KEY: KEY, PLINTH_DATA_DIR: 'data/plinth' }).dataDir).toBe(path.resolve('data/plinth'));
  });

  it('accepts postgresql:// as well', () => {
    expect(loadConfig({ PLINTH_MASTER_KEY: KEY, DATABASE_URL: 'postgresql://localhost/plinth' }).databaseUrl).toBe('postgresql://localhost/plinth');
  });

  it('an empty variable counts as unset', () => {
    const config = loadConfig(
      { PORT: '', HOST: '', PLINTH_APP_ID: '', PLINTH_DATA_DIR: '', DATABASE_URL: '', PLINTH_MASTER_KEY: '', NODE_ENV: 'development' },
      { dataDir: dir },
    );
    expect(config).toMatchObject({ port: 1337, host: '0.0.0.0', appId: 'plinth', databaseUrl: undefined, masterKeyGenerated: true });
  });

  it('overrides win over the environment', () => {
    const config = loadConfig({ PORT: '8080', PLINTH_APP_ID: 'fromEnv', PLINTH_MASTER_KEY: KEY }, { port: 9090, appId: 'fromCode' });
    expect(config).toMatchObject({ port: 9090, appId: 'fromCode' });
  });
});

describe('bad values give a readable error', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT must be an integer from 0 to 65535, got "abc"$/],
    [{ PORT: '70000' }, /^PORT must be an integer from 0 to 65535, got "70000"$/],
    [{ PORT: '-1' }, /^PORT must be an integer/],
    [{ PORT: '80.5' }, /^PORT must be an integer/],
    [{ PORT: '1e3' }, /^PORT must be an integer/],
    [
      { DATABASE_URL: 'mysql://root@localhost/db' },
      /^DATABASE_URL must be a postgres:\/\/user:password@host:port\/database URL, got "mysql:\/\/root@localhost\/db"$/,
    ],
    [{ DATABASE_URL: 'localhost:5432' }, /^DATABASE_URL must be a postgres:\/\//],
    [{ DATABASE_URL: 'postgres://' }, /^DATABASE_URL must be a postgres:\/\//],
    [{ PLINTH_APP_ID: 'my app' }, /^PLINTH_APP_ID must be printable ASCII without spaces/],
    [{ PLINTH_APP_ID: 'app\nX-Injected: 1' }, /^PLINTH_APP_ID must be printable ASCII/],
    [{ PLINTH_MASTER_KEY: 'ключ-ключ-ключ' }, /^PLINTH_MASTER_KEY must be printable ASCII/],
    [{ PLINTH_APP_ID: 'same-value-for-both', PLINTH_MASTER_KEY: 'same-value-for-both' }, /^PLINTH_MASTER_KEY must differ from PLINTH_APP_ID$/],
    [{ PLINTH_LOG_LEVEL: 'loud' }, /^PLINTH_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"$/],
    [{ PLINTH_DEFAULT_LIMIT: '500', PLINTH_MAX_LIMIT: '100' }, /^PLINTH_DEFAULT_LIMIT must not exceed PLINTH_MAX_LIMIT$/],
  ];
  for (const [env, message] of cases) {
    it(`${JSON.stringify(env)}`, () => {
      expect(() => loadConfig({ PLINTH_MASTER_KEY: KEY, PLINTH_DATA_DIR: dir, ...env })).toThrow(message);
    });
  }

  it('never shows the password of a bad DATABASE_URL', () => {
    expect(() => loadConfig({ PLINTH_MASTER_KEY: KEY, DATABASE_URL: 'mysql://root:hunter2@localhost/db' })).toThrow(/mysql:\/\/root:\*\*\*@localhost\/db/);
    try {
      loadConfig({ PLINTH_MASTER_KEY: KEY, DATABASE_URL: 'mysql://root:hunter2@localhost/db' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('a PLINTH_DATA_DIR that is a file', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => loadConfig({ PLINTH_MASTER_KEY: KEY, PLINTH_DATA_DIR: file })).toThrow(/PLINTH_DATA_DIR ".*a-file" exists and is not a directory/);
  });
});

describe('the master key in development', () => {
  it('is generated when none is configured, kept in the data directory with mode 0600, and reused on the next start', () => {
    const dataDir = path.join(dir, 'nested', 'data'); // created on demand
    const first = loadConfig({ PLINTH_DATA_DIR: dataDir });
    expect(first.masterKeyGenerated).toBe(true);
    expect(first.masterKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.masterKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = loadConfig({ PLINTH_DATA_DIR: dataDir });
    expect(second.masterKey).toBe(first.masterKey);
    expect(second.masterKeyGenerated).toBe(false);
  });

  it('each data directory gets its own key', () => {
    const a = loadConfig({ PLINTH_DATA_DIR: path.join(dir, 'a') });
    const b = loadConfig({ PLINTH_DATA_DIR: path.join(dir, 'b') });
    expect(a.masterKey).not.toBe(b.masterKey);
  });

  it('a configured key wins over a stored one', () => {
    loadConfig({ PLINTH_DATA_DIR: dir });
    expect(loadConfig({ PLINTH_DATA_DIR: dir, PLINTH_MASTER_KEY: KEY }).masterKey).toBe(KEY);
  });

  it('a key file without a usable key is an error, not a silently new key', () => {
    writeFileSync(path.join(dir, MASTER_KEY_FILE), '\n');
    expect(() => loadConfig({ PLINTH_DATA_DIR: dir })).toThrow(
      /master-key holds no valid master key; delete it to generate a new one, or set PLINTH_MASTER_KEY/,
    );
  });
});

describe('production (NODE_ENV=production)', () => {
  it('refuses to start without a master key, and generates none', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PLINTH_DATA_DIR: dir })).toThrow('PLINTH_MASTER_KEY is required when NODE_ENV=production');
    expect(existsSync(path.join(dir, MASTER_KEY_FILE))).toBe(false);
  });

  it('does not fall back to a key generated earlier in development', () => {
    loadConfig({ PLINTH_DATA_DIR: dir });
    expect(() => loadConfig({ NODE_ENV: 'production', PLINTH_DATA_DIR: dir })).toThrow('PLINTH_MASTER_KEY is required');
  });

  it('refuses a short master key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PLINTH_MASTER_KEY: 'short' })).toThrow(/too short for production/);
  });

  it('starts with a configured key', () => {
    expect(loadConfig({ NODE_ENV: 'production', PLINTH_MASTER_KEY: KEY })).toMatchObject({ production: true, masterKey: KEY });
  });
});

describe('loadDatabaseConfig (plinth migrate)', () => {
  it('reads PLINTH_DATA_DIR and DATABASE_URL and needs no master key, even in production', () => {
    expect(loadDatabaseConfig({ NODE_ENV: 'production', PLINTH_DATA_DIR: dir, DATABASE_URL: 'postgres://db/plinth' })).toEqual({
      dataDir: dir,
      databaseUrl: 'postgres://db/plinth',
    });
  });

  it('does not create a master key file', () => {
    mkdirSync(path.join(dir, 'data'));
    loadDatabaseConfig({ PLINTH_DATA_DIR: path.join(dir, 'data') });
    expect(existsSync(path.join(dir, 'data', MASTER_KEY_FILE))).toBe(false);
  });

  it('validates DATABASE_URL the same way', () => {
    expect(() => loadDatabaseConfig({ DATABASE_URL: 'redis://localhost' })).toThrow(/^DATABASE_URL must be a postgres:\/\//);
  });
});
