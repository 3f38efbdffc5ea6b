import { ErrorCode, ParseError } from '../errors/index.ts';
import type { Auth } from '../security/index.ts';
import type { CloudHolder } from './holder.ts';
import { followHooks } from './follow-hooks.ts';
import { CloudFileValue } from './object/index.ts';
import type { CloudRegistry } from './registry.ts';
import type { CloudRuntime } from './runtime.ts';
import type { BaseRequest, FileChange, FileRequest } from './types.ts';

/** A file as the file triggers are told of it. */
export interface FileFacts {
  name: string;
  url?: string;
  size?: number;
  contentType?: string;
  metadata: Record<string, string>;
}

/** What the beforeSaveFile triggers decided (absent fields: unchanged). */
export interface FileSaveChange {
  name?: string;
  contentType?: string;
  metadata: Record<string, string>;
  content?: Uint8Array | AsyncIterable<Uint8Array>;
}

/**
 * The files service's view of the file triggers, filled for the registry in force (absent
 * when no trigger of the kind is registered). before-hooks throw to refuse; after-hooks log
 * their failures and never throw.
 */
export interface FileHooks {
  /** `cleanName` checks and cleans a name a handler gives (so the next handler sees the name that will be stored). */
  beforeSave?: (file: FileFacts, auth: Auth, cleanName: (name: string) => string) => Promise<FileSaveChange>;
  afterSave?: (file: FileFacts, auth: Auth) => Promise<void>;
  beforeDelete?: (file: FileFacts, auth: Auth) => Promise<void>;
  afterDelete?: (file: FileFacts, auth: Auth) => Promise<void>;
}

function invalid(message: string): ParseError {
  return new ParseError(ErrorCode.SCRIPT_FAILED, `beforeSaveFile returned ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Metadata as stored: string values (others as their JSON). */
function stringValues(metadata: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function isContent(v: unknown): v is Uint8Array | string | AsyncIterable<Uint8Array> {
  return typeof v === 'string' || v instanceof Uint8Array || (typeof v === 'object' && v !== null && Symbol.asyncIterator in v);
}

/** Applies one beforeSaveFile handler's result (a FileChange, a CloudFile to rename, or nothing). */
function applyChange(change: FileSaveChange, result: unknown, cleanName: (name: string) => string): void {
  if (result === undefined || result === null) return;
  if (result instanceof CloudFileValue) {
    change.name = cleanName(result.name());
    return;
  }
  if (!isPlainObject(result)) throw invalid('something other than a file change ({name, contentType, metadata, content})');
  const { name, contentType, metadata, content } = result as FileChange;
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw invalid('a name that is not a non-empty string');
  if (contentType !== undefined && typeof contentType !== 'string') throw invalid('a contentType that is not a string');
  if (metadata !== undefined && !isPlainObject(metadata)) throw invalid('metadata that is not an object');
  if (content !== undefined && !isContent(content)) throw invalid('a content that is not bytes, a string or a stream');
  if (name !== undefined) change.name = cleanName(name);
  if (contentType !== undefined) change.contentType = contentType;
  if (metadata !== undefined) change.metadata = stringValues(metadata);
  if (content !== undefined) change.content = typeof content === 'string' ? Buffer.from(content) : content;
}

function hooksFor(rt: CloudRuntime, registry: CloudRegistry): FileHooks {
  const hooks: FileHooks = {};
  const triggers = (kind: 'beforeSaveFile' | 'afterSaveFile' | 'beforeDeleteFile' | 'afterDeleteFile') => registry.triggersFor(kind, '@File');
  const request =
    (kind: FileRequest['triggerName'], file: FileFacts) =>
    (base: BaseRequest): FileRequest => ({
      ...base,
      triggerName: kind,
      file: new CloudFileValue(file.name, file.url),
      fileSize: file.size,
      contentType: file.contentType,
      metadata: { ...file.metadata },
      tags: {},
    });

  const beforeSave = triggers('beforeSaveFile');
  if (beforeSave.length) {
    hooks.beforeSave = async (file, auth, cleanName) => {
      const change: FileSaveChange = { metadata: { ...file.metadata } };
      // Each handler sees the file as the previous ones left it.
      const current = (): FileFacts => ({
        ...file,
        name: change.name ?? file.name,
        contentType: change.contentType ?? file.contentType,
        metadata: change.metadata,
      });
      let next = current();
      await rt.runTriggers<FileRequest>(
        beforeSave,
        'before',
        auth,
        (base) => request('beforeSaveFile', next)(base),
        () => ({}),
        (result, req) => {
          change.metadata = stringValues(req.metadata);
          applyChange(change, result, cleanName);
          next = current();
        },
      );
      return change;
    };
  }
  const after = (kind: 'afterSaveFile' | 'beforeDeleteFile' | 'afterDeleteFile', phase: 'before' | 'after') => {
    const entries = triggers(kind);
    if (!entries.length) return undefined;
    return async (file: FileFacts, auth: Auth) => {
      await rt.runTriggers<FileRequest>(entries, phase, auth, request(kind, file));
    };
  };
  hooks.afterSave = after('afterSaveFile', 'after');
  hooks.beforeDelete = after('beforeDeleteFile', 'before');
  hooks.afterDelete = after('afterDeleteFile', 'after');
  return hooks;
}

const KINDS = ['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete'] as const;

/** Keeps the files service's hooks in step with the registry in force (one object, filled in place). */
export function wireFileHooks(target: FileHooks, holder: CloudHolder, rt: CloudRuntime): () => void {
  return followHooks(target, KINDS, holder, (registry) => hooksFor(rt, registry));
}
