import type { FilesStorageConfig } from '../../config/files-storage.ts';
import type { Database } from '../../db/index.ts';
import type { FileStorage } from '../types.ts';
import { LocalFileStorage } from './fs/index.ts';
import { PostgresFileStorage } from './postgres/index.ts';
import { S3FileStorage } from './s3/index.ts';

export { LocalFileStorage, type LocalFileStorageOptions } from './fs/index.ts';
export { S3FileStorage, type S3FileStorageOptions } from './s3/index.ts';
export { PostgresFileStorage, type PostgresFileStorageOptions } from './postgres/index.ts';
export { checkName, compareNames } from './names.ts';

/** What the adapters may need from the running server. */
export interface FileStorageDeps {
  /** The server's database: required by the PostgreSQL adapter (its migrations hold the tables). */
  db?: Database;
}

/**
 * The file store the configuration asks for (PLINTH_FILES_ADAPTER): the local directory by
 * default, an S3-compatible bucket, PostgreSQL, or none (uploads refused). Runs once at start-up and connects nothing
 * yet: the first put or read does. Close it on shutdown.
 */
export function createFileStorage(config: FilesStorageConfig, deps: FileStorageDeps = {}): FileStorage | undefined {
  switch (config.adapter) {
    case 'none':
      return undefined;
    case 'fs':
      return new LocalFileStorage({ root: config.root });
    case 's3': {
      const { adapter: _, ...options } = config;
      return new S3FileStorage(options);
    }
    case 'postgres':
      if (!deps.db) throw new Error('PLINTH_FILES_ADAPTER=postgres needs the database');
      return new PostgresFileStorage({ raw: deps.db.raw });
  }
}
