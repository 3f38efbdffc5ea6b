import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { Core, HookRegistry } from '../core/index.ts';
import type { Database } from '../db/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import type { Auth } from '../security/index.ts';
import type { CloudHolder } from '../cloud/holder.ts';
import { wireFileHooks, type FileHooks } from '../cloud/file-triggers.ts';
import { FileService } from '../files/index.ts';
import { type FileDownloads, FileLinks, fileLinkHook } from '../files/access/index.ts';
import { orphanJob, WithBuiltinJobs } from '../files/orphans/index.ts';
import { createFileStorage } from '../files/storage/index.ts';
import type { FileStorage } from '../files/types.ts';
import type { FileAccessContext } from '../graphql/context.ts';
import type { ServerCloud } from './cloud.ts';
import { useFileDeletes, useFileDownloads } from './routes/files.ts';

export interface ServerFilesDeps {
  config: Config;
  logger: Logger;
  db: Database;
  core: Core;
  hooks: HookRegistry;
  schemaStore: SchemaStore;
  cloud: ServerCloud;
  downloads: FileDownloads;
  /** The caller's store (tests, embedding; the caller closes it); undefined: the configured one; null: none. */
  storage?: FileStorage | null;
}

/** Files as the server wires them: the store, uploads, links, the orphan job, routes and GraphQL's part. */
export interface ServerFiles {
  /** Where contents live; absent: uploads are refused and nothing is served. */
  storage?: FileStorage;
  /** Uploads (who may upload, streaming to the store, file triggers) and deletions with their triggers. */
  service: FileService;
  /** Objects mode: who may put a stored name into a File field; absent without a store. */
  links?: FileLinks;
  /** The cloud registry with the built-in jobs (deleteOrphanFiles) added: what the job engine reads. */
  jobs: CloudHolder;
  /** GET/HEAD of files (no credentials), and DELETE (after Parse's credentials are resolved). */
  routes: { open: Plugin[]; authenticated: Plugin[] };
  /** What GraphQL needs to link to and delete files; absent without a store. */
  access?: FileAccessContext;
  /** Stops following the cloud code's file triggers and closes the store if it was made here. */
  close(): Promise<void>;
}

/**
 * Wires files for one server: uploads stream to the store with the file triggers in force;
 * every deletion (the DELETE route, deleteFile, the orphan job) runs the delete triggers around
 * it; in objects mode no write may link a stored name its caller could not already read.
 */
export function startServerFiles(deps: ServerFilesDeps): ServerFiles {
  const { config, logger, db, schemaStore, cloud, downloads } = deps;
  const ownStorage = deps.storage === undefined ? createFileStorage(config.filesStorage, { db }) : undefined;
  const storage = deps.storage ?? ownStorage;
  const fileHooks: FileHooks = {};
  const stopHooks = wireFileHooks(fileHooks, cloud.holder, cloud.runtime);
  const service = new FileService({ config: config.files, storage, hooks: fileHooks, core: deps.core, fileUrl: (name) => downloads.url(name), logger });
  const close = async () => {
    stopHooks();
    await ownStorage?.close?.();
  };
  if (!storage) return { service, jobs: cloud.holder, routes: { open: [], authenticated: [] }, close };

  const remove = (name: string, auth: Auth) => service.deleteStoredFile(name, auth);
  const links = new FileLinks({ mode: config.filesAccess.mode, db, schema: schemaStore, storage });
  if (config.filesAccess.mode === 'objects') deps.hooks.register('*', fileLinkHook(links, schemaStore), { first: true });
  const routeDeps = { appId: config.appId, masterKey: config.masterKey, masterKeyIps: config.auth.masterKeyIps, storage, downloads, remove, logger };
  return {
    storage,
    service,
    links,
    jobs: new WithBuiltinJobs(cloud.holder, [orphanJob({ db, schema: schemaStore, storage, remove, logger }, config.filesAccess.orphans)]),
    routes: { open: [useFileDownloads(routeDeps)], authenticated: [useFileDeletes(routeDeps)] },
    access: { url: (name) => downloads.url(name), remove, onDeleteFailure: (error) => logger.error({ err: error }, 'could not delete a file') },
    close,
  };
}
