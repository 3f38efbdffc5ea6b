import type { FilesConfig } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { Core } from '../core/index.ts';
import { Auth } from '../security/index.ts';
import type { FileFacts, FileHooks } from '../cloud/file-triggers.ts';
import { fileErrors } from './errors.ts';
import { saveUpload, type UploadSource } from './save-upload.ts';
import type { StoredUpload } from './request-uploads.ts';
import type { FileStorage } from './types.ts';

export interface FileServiceDeps {
  config: FilesConfig;
  /** Where contents live; without it, uploads answer 130 "File uploads are not enabled on this server." */
  storage?: FileStorage;
  /** The file triggers in force (filled in place by cloud code's wiring; empty without cloud code). */
  hooks: FileHooks;
  core: Core;
  /** The public URL of a stored name: <publicUrl>/files/<appId>/<name, percent-encoded>. */
  fileUrl(name: string): string;
  logger: Logger;
}

/**
 * Files for the transports: who may upload, storing an upload (streaming, with the file
 * triggers), and deleting a stored file with its triggers. One per server.
 */
export class FileService {
  constructor(readonly deps: FileServiceDeps) {}

  get config(): FilesConfig {
    return this.deps.config;
  }

  get storage(): FileStorage | undefined {
    return this.deps.storage;
  }

  fileUrl(name: string): string {
    return this.deps.fileUrl(name);
  }

  /**
   * Whether `auth` may upload, decided before a byte is stored, with Parse's options and
   * messages (130): the master key always; users signed in with `anonymous` authData if
   * PLINTH_FILE_UPLOAD_ANONYMOUS; other users if PLINTH_FILE_UPLOAD_AUTHENTICATED; clients
   * without a session if PLINTH_FILE_UPLOAD_PUBLIC.
   */
  async checkUploader(auth: Auth): Promise<void> {
    const { config, storage } = this.deps;
    if (!storage) throw fileErrors.disabled();
    if (auth.isMaster) return;
    if (!auth.userId) {
      if (!config.uploadPublic) throw fileErrors.publicDisabled();
      return;
    }
    // Whether the user is anonymous matters only when some user is refused.
    if (config.uploadAnonymous && config.uploadAuthenticated) return;
    const anonymous = await this.isAnonymousUser(auth.userId);
    if (anonymous && !config.uploadAnonymous) throw fileErrors.anonymousDisabled();
    if (!anonymous && !config.uploadAuthenticated) throw fileErrors.authenticatedDisabled();
  }

  /** Parse's `AnonymousUtils.isLinked(user)`: the user holds `anonymous` authData. */
  private async isAnonymousUser(userId: string): Promise<boolean> {
    const found = await this.deps.core.getMany(Auth.master(), '_User', [userId], ['authData'], undefined, false);
    const authData = found.get(userId)?.authData as Record<string, unknown> | null | undefined;
    return authData?.anonymous !== undefined && authData.anonymous !== null;
  }

  /** Stores one upload of a caller that checkUploader allowed (see saveUpload). */
  save(source: UploadSource, auth: Auth, signal?: AbortSignal): Promise<StoredUpload> {
    const { storage } = this.deps;
    if (!storage) throw fileErrors.disabled();
    return saveUpload({ ...this.deps, storage }, source, auth, signal);
  }

  /**
   * Deletes a stored file as `auth`, with its triggers: beforeDeleteFile (which may refuse: its
   * error is thrown and the file stays), the deletion, then afterDeleteFile (only when there was
   * a file; its failure is logged). Resolves false when no file had the name. The serving side's
   * DELETE route and the orphan cleanup call this; the caller decides who may delete.
   */
  async deleteStoredFile(name: string, auth: Auth): Promise<boolean> {
    const { storage, hooks } = this.deps;
    if (!storage) throw fileErrors.disabled();
    let facts: FileFacts = { name, url: this.fileUrl(name), metadata: {} };
    if (hooks.beforeDelete || hooks.afterDelete) {
      const stat = await storage.stat(name);
      if (stat) facts = { ...facts, size: stat.size, contentType: stat.contentType, metadata: stat.metadata };
    }
    await hooks.beforeDelete?.(facts, auth);
    const deleted = await storage.delete(name);
    if (deleted) await hooks.afterDelete?.(facts, auth);
    return deleted;
  }

  /**
   * Deletes files a request uploaded and did not use (a failed write's, or never named), as the
   * server (master): the delete triggers run, so cloud code that heard afterSaveFile hears
   * afterDeleteFile too. A failure is logged; the orphan cleanup gets what is left.
   */
  async discard(files: readonly StoredUpload[]): Promise<void> {
    for (const file of files) {
      try {
        await this.deleteStoredFile(file.name, Auth.master());
      } catch (error) {
        this.deps.logger.warn({ err: error, file: file.name }, 'could not delete an unused upload; the orphan cleanup will');
      }
    }
  }
}
