import type { FilesConfig } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import { ParseError } from '../errors/index.ts';
import type { Auth } from '../security/index.ts';
import type { FileHooks } from '../cloud/file-triggers.ts';
import { ByteReader } from './byte-reader.ts';
import { fileKind, SNIFF_BYTES } from './content-type.ts';
import { fileErrors } from './errors.ts';
import { cleanFileName, storedFileName } from './names.ts';
import type { StoredUpload } from './request-uploads.ts';
import { FileTooLarge, type FileStorage } from './types.ts';
import { UPLOADER_METADATA_KEY } from './access/index.ts';

/** One file as a client sends it: the name it gave, the type it declared, the bytes as they arrive. */
export interface UploadSource {
  filename: string;
  mimeType?: string;
  content: AsyncIterable<Uint8Array>;
}

export interface SaveDeps {
  config: FilesConfig;
  storage: FileStorage;
  hooks: FileHooks;
  fileUrl(name: string): string;
  logger: Logger;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as NodeJS.ErrnoException).code === 'ABORT_ERR');
}

/**
 * The metadata stored with an upload: the triggers', plus who uploaded it (the user's id, which
 * the objects access mode reads; no trigger can set or forge it).
 */
function uploaderMetadata(metadata: Record<string, string> | undefined, auth: Auth): Record<string, string> | undefined {
  const { [UPLOADER_METADATA_KEY]: _, ...rest } = metadata ?? {};
  if (auth.userId) return { ...rest, [UPLOADER_METADATA_KEY]: auth.userId };
  return metadata ? rest : undefined;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * Stores one uploaded file, streaming, for `auth` (already allowed to upload):
 * 1. the name is cleaned and checked (122), the first bytes read: an empty file is refused (130);
 * 2. its kind is decided from its name and first bytes (extension added, extension and content checks, 130);
 * 3. beforeSaveFile may rename it, change its type or metadata, give another content, or refuse;
 * 4. the content goes to storage in chunks under a new unique name, refused with 130 / HTTP 413 as
 *    soon as it passes the size limit (nothing stays stored);
 * 5. afterSaveFile is told (its failure is logged; the file stays).
 */
export async function saveUpload(deps: SaveDeps, source: UploadSource, auth: Auth, signal?: AbortSignal): Promise<StoredUpload> {
  const { config, storage, hooks } = deps;
  const reader = new ByteReader(source.content, config.maxBytes);
  try {
    const cleaned = cleanFileName(source.filename);
    const head = await reader.head(SNIFF_BYTES);
    if (head.byteLength === 0 && reader.done) throw fileErrors.invalidUpload();
    const kind = await fileKind(cleaned, source.mimeType, head, config, auth.isMaster);
    const change = await hooks.beforeSave?.(
      { name: kind.name, contentType: kind.contentType, size: reader.done ? head.byteLength : undefined, metadata: {} },
      auth,
      cleanFileName,
    );
    const name = change?.name ?? kind.name;
    let content: AsyncIterable<Uint8Array> | Uint8Array;
    if (change?.content) {
      // The client's bytes are still read (up to the limit), to reach the request's next part.
      await reader.drain();
      content = change.content;
    } else content = reader.body(head);
    const body = content instanceof Uint8Array ? once(content) : content;
    let stored: Awaited<ReturnType<FileStorage['put']>>;
    try {
      stored = await storage.put(storedFileName(name), body, {
        contentType: change?.contentType ?? kind.contentType,
        maxBytes: change?.content ? undefined : config.maxBytes,
        metadata: uploaderMetadata(change?.metadata, auth),
        signal,
      });
    } catch (error) {
      if (error instanceof FileTooLarge) throw fileErrors.tooLarge(config.maxBytes);
      if (error instanceof ParseError || isAbort(error) || signal?.aborted) throw error;
      deps.logger.error({ err: error, file: name }, 'could not store an uploaded file');
      throw fileErrors.couldNotStore(name);
    }
    const url = deps.fileUrl(stored.name);
    await hooks.afterSave?.({ name: stored.name, url, size: stored.size, contentType: stored.contentType, metadata: stored.metadata }, auth);
    return { name: stored.name, url, size: stored.size, contentType: stored.contentType };
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
