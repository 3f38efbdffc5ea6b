import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFilesStorageConfig } from '../../src/config/files-storage.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { Database } from '../../src/db/index.ts';
import { createFileStorage, LocalFileStorage, PostgresFileStorage, S3FileStorage } from '../../src/files/storage/index.ts';

const DATA = path.resolve('/tmp/plinth-data');
const MiB = 1024 * 1024;

describe('files storage configuration', () => {
  it('defaults to the local file system under the data directory', () => {
    expect(loadFilesStorageConfig({}, DATA)).toEqual({ adapter: 'fs', root: path.join(DATA, 'files') });
    expect(loadFilesStorageConfig({ PLINTH_FILES_DIR: 'relative/files' }, DATA)).toEqual({ adapter: 'fs', root: path.resolve('relative/files') });
    expect(loadConfig({ PLINTH_MASTER_KEY: 'a-master-key-for-tests', PLINTH_DATA_DIR: DATA }).filesStorage).toEqual({
      adapter: 'fs',
      root: path.join(DATA, 'files'),
    });
  });

  it('reads every S3 setting', () => {
    const config = loadFilesStorageConfig(
      {
        PLINTH_FILES_ADAPTER: 'S3',
        PLINTH_S3_BUCKET: 'uploads',
        PLINTH_S3_ENDPOINT: 'http://127.0.0.1:9000',
        PLINTH_S3_FORCE_PATH_STYLE: 'true',
        PLINTH_S3_ACCESS_KEY_ID: 'key',
        PLINTH_S3_SECRET_ACCESS_KEY: 'secret',
        PLINTH_S3_PREFIX: 'files/',
        PLINTH_S3_DIRECT_ACCESS: '1',
        PLINTH_S3_PART_SIZE: String(16 * MiB),
        PLINTH_S3_CONDITIONAL_WRITES: 'false',
      },
      DATA,
    );
    expect(config).toEqual({
      adapter: 's3',
      bucket: 'uploads',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret', sessionToken: undefined },
      prefix: 'files/',
      directAccess: true,
      partSize: 16 * MiB,
      conditionalWrites: false,
    });
  });

  it('leaves region and credentials to the AWS SDK when not given, with S3 defaults', () => {
    expect(loadFilesStorageConfig({ PLINTH_FILES_ADAPTER: 's3', PLINTH_S3_BUCKET: 'b' }, DATA)).toEqual({
      adapter: 's3',
      bucket: 'b',
      region: undefined,
      endpoint: undefined,
      forcePathStyle: false,
      credentials: undefined,
      prefix: '',
      directAccess: false,
      partSize: 5 * MiB,
      conditionalWrites: true,
    });
  });

  it('refuses what cannot work, naming the setting', () => {
    const s3 = { PLINTH_FILES_ADAPTER: 's3', PLINTH_S3_BUCKET: 'b' };
    expect(() => loadFilesStorageConfig({ PLINTH_FILES_ADAPTER: 'ftp' }, DATA)).toThrow(/PLINTH_FILES_ADAPTER must be one of fs, s3, postgres/);
    expect(() => loadFilesStorageConfig({ PLINTH_FILES_ADAPTER: 's3' }, DATA)).toThrow(/PLINTH_S3_BUCKET is required/);
    expect(() => loadFilesStorageConfig({ ...s3, PLINTH_S3_ACCESS_KEY_ID: 'k' }, DATA)).toThrow(/go together/);
    expect(() => loadFilesStorageConfig({ ...s3, PLINTH_S3_ENDPOINT: 'ftp://x' }, DATA)).toThrow(/PLINTH_S3_ENDPOINT/);
    expect(() => loadFilesStorageConfig({ ...s3, PLINTH_S3_PART_SIZE: String(MiB) }, DATA)).toThrow(/PLINTH_S3_PART_SIZE/);
    expect(() => loadFilesStorageConfig({ ...s3, PLINTH_S3_DIRECT_ACCESS: 'maybe' }, DATA)).toThrow(/PLINTH_S3_DIRECT_ACCESS must be true or false/);
    expect(() => loadFilesStorageConfig({ ...s3, PLINTH_S3_PREFIX: '/abs' }, DATA)).toThrow(/PLINTH_S3_PREFIX/);
  });
});

describe('createFileStorage', () => {
  it('makes the adapter the configuration names', async () => {
    expect(createFileStorage({ adapter: 'fs', root: DATA })).toBeInstanceOf(LocalFileStorage);
    const s3 = createFileStorage(loadFilesStorageConfig({ PLINTH_FILES_ADAPTER: 's3', PLINTH_S3_BUCKET: 'b', PLINTH_S3_REGION: 'eu-west-3' }, DATA));
    expect(s3).toBeInstanceOf(S3FileStorage);
    await s3?.close?.();
    expect(createFileStorage({ adapter: 'none' })).toBeUndefined();
    const db = { raw: { query: async () => ({ rows: [] }) } } as unknown as Database;
    expect(createFileStorage({ adapter: 'postgres' }, { db })).toBeInstanceOf(PostgresFileStorage);
    expect(() => createFileStorage({ adapter: 'postgres' })).toThrow(/needs the database/);
  });
});
