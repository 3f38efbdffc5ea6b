import { fileTypeFromBuffer } from 'file-type';
import mime from 'mime';
import type { FilesConfig } from '../config/index.ts';
import { fileErrors } from './errors.ts';
import { checkLength, extensionOf, withExtension } from './names.ts';

/*
 * What a file is: its content type from its first bytes (file-type), not only from its name,
 * and the extension a name without one gets. An upload is refused (130) when its extension —
 * or the extension its content reveals — is not allowed (Parse's fileExtensions), or when its
 * content is of another kind than its name says (a PDF named `.png`).
 */

/** How many first bytes sniffing looks at (file-type's "reasonable detection size"). */
export const SNIFF_BYTES = 4100;

export interface FileKind {
  /** The name with the extension added when it had none. */
  name: string;
  contentType: string;
}

/** The content type a name's extension stands for (mime's table), if known. */
export function typeOfName(name: string): string | undefined {
  const ext = extensionOf(name);
  return ext ? (mime.getType(ext) ?? undefined) : undefined;
}

/** Parse's test: an extension passes when one pattern matches it (`*` matches all). */
export function extensionAllowed(patterns: readonly string[], extension: string): boolean {
  return patterns.some((p) => p === '*' || new RegExp(p).test(extension));
}

/** Kinds that must agree between a name and a content: audio and video are one (containers hold either). */
function family(type: string): string {
  const top = type.split('/')[0].toLowerCase();
  return top === 'audio' || top === 'video' ? 'media' : top;
}

/** The subtype of a well-formed `type/subtype` content type, or undefined. */
function subtypeOf(contentType: string | undefined): string | undefined {
  const m = contentType && /^\s*[!#$%&'*+.^_`|~\w-]+\/([!#$%&'*+.^_`|~\w-]+)\s*(;.*)?$/.exec(contentType);
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * Decides an upload's final name and content type from its cleaned name, the type the client
 * declared (a multipart part's Content-Type) and its first bytes. `trusted` (the master key)
 * skips the extension and agreement checks, as Parse skips fileExtensions for the master key.
 */
export async function fileKind(name: string, declared: string | undefined, head: Uint8Array, config: FilesConfig, trusted: boolean): Promise<FileKind> {
  const sniffed = head.byteLength ? await fileTypeFromBuffer(head) : undefined;
  const declaredType = subtypeOf(declared) ? declared!.split(';')[0].trim().toLowerCase() : undefined;
  let finalName = name;
  if (!extensionOf(name)) {
    const added = sniffed?.ext ?? (declaredType ? (mime.getExtension(declaredType) ?? undefined) : undefined);
    if (added) {
      finalName = withExtension(name, added);
      checkLength(finalName);
    }
  }
  const extension = extensionOf(finalName);
  const named = typeOfName(finalName);
  if (!trusted) {
    const allowed = (ext: string) => extensionAllowed(config.extensions, ext);
    if (extension && !allowed(extension)) throw fileErrors.extensionDisabled(extension);
    if (sniffed && !allowed(sniffed.ext)) throw fileErrors.extensionDisabled(sniffed.ext);
    // An extension mime does not know leaves the declared type to be served: check it as Parse does.
    const declaredSub = subtypeOf(declaredType);
    if (!named && !sniffed && declaredSub && !allowed(declaredSub)) throw fileErrors.extensionDisabled(declaredSub);
    if (sniffed && named && family(sniffed.mime) !== family(named)) throw fileErrors.contentMismatch(sniffed.mime, `.${extension}`);
  }
  return { name: finalName, contentType: sniffed?.mime ?? named ?? declaredType ?? 'application/octet-stream' };
}
