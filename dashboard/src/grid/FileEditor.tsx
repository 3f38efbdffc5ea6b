import { useRef, useState } from 'preact/hooks';
import { csrfFetch } from '../api/http.ts';
import { safeUrl } from './format.ts';
import { UNSET } from './values.ts';

/** The dashboard's upload route: the raw file as the body, its original name in `?name=`. */
const UPLOAD_URL = '/dashboard/api/upload';

/** A stored file as the upload route answers it. */
export interface UploadedFile {
  name: string;
  url: string;
}

/**
 * Sends one file to the upload route (cookie + X-Plinth-CSRF), streamed by the browser as the
 * request body; answers the stored name and URL, or throws with the server's message.
 */
export async function uploadFile(file: File, signal?: AbortSignal): Promise<UploadedFile> {
  const res = await csrfFetch(`${UPLOAD_URL}?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json' },
    body: file,
    signal,
  });
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (!res.ok || typeof body.name !== 'string') {
    throw new Error(typeof body.error === 'string' ? body.error : `The upload failed (HTTP ${res.status}).`);
  }
  return { name: body.name, url: typeof body.url === 'string' ? body.url : '' };
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The File cell's editor (inside the value dialog): the current file as a link (its name as
 * text), a picker that uploads the chosen file and then saves the cell with
 * `{__type: 'File', name}` through `onSave` (updateObject), and "Remove file" (unset).
 * Read-only: the link alone. A file uploaded but not saved (the save failed) is left to the
 * server's orphan cleanup.
 */
export function FileEditor({
  value,
  readOnly,
  onSave,
  onDone,
}: {
  value: Record<string, unknown> | undefined;
  readOnly: boolean;
  onSave: (value: unknown) => Promise<void>;
  onDone: () => void;
}) {
  const [uploading, setUploading] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const href = safeUrl(value?.url);
  const name = value ? String(value.name ?? '') : '';

  const run = async (work: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      setUploading(null);
      if (input.current) input.current.value = '';
    }
  };

  const onPick = (file: File | undefined) => {
    if (!file) return;
    setUploading(file);
    void run(async () => {
      const stored = await uploadFile(file);
      await onSave({ __type: 'File', name: stored.name });
    });
  };

  return (
    <div class="file-editor" data-testid="file-editor">
      <p>
        {href ? (
          <a href={href} target="_blank" rel="noopener noreferrer" data-testid="file-link">
            {name}
          </a>
        ) : (
          <span>{name || 'No file.'}</span>
        )}
      </p>
      {!readOnly && (
        <>
          <label>
            {value ? 'Replace with' : 'Upload'}{' '}
            <input ref={input} type="file" disabled={busy} onChange={(e) => onPick(e.currentTarget.files?.[0])} data-testid="file-input" />
          </label>
          {uploading && (
            <p class="muted" role="status">
              {`Uploading ${uploading.name} (${sizeText(uploading.size)})… `}
              <progress />
            </p>
          )}
          {value && (
            <p>
              <button type="button" class="danger" disabled={busy} onClick={() => run(() => onSave(UNSET))} data-testid="file-remove">
                Remove file
              </button>
            </p>
          )}
        </>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
