/**
 * The files browser: stored files page by page, images previewed inline (the file URL, same
 * origin), open in a new tab, delete; orphans found and deleted by the built-in job. Route: /files.
 *
 * data-testid: files-table, file-row-<name>, file-thumb-<name>, file-preview-<name>, file-open-<name>,
 * file-delete-<name>(-confirm), files-more, files-refresh, file-preview-dialog, file-preview-dialog-close,
 * orphans, orphans-hours, orphans-find, orphans-delete(-confirm), orphans-result
 */
import { useEffect, useState } from 'preact/hooks';
import { type ScreenProps, toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { Dialog } from '../../widgets/dialog.tsx';
import { messageOf } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { Orphans } from './orphans.tsx';
import { Time } from '../../widgets/time.tsx';

interface StoredFile {
  name: string;
  size?: number | null;
  contentType?: string | null;
  createdAt?: string | null;
  url?: string | null;
}

/** Only http(s) and same-origin links: a stored value never becomes a javascript: URL. */
function safeUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function size(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const isImage = (f: StoredFile) => /^image\/(png|jpe?g|gif|webp|avif|bmp|svg\+xml)$/i.test(f.contentType ?? '');

export default function FilesScreen({ session }: ScreenProps) {
  const gql = useGql();
  const [files, setFiles] = useState<StoredFile[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<StoredFile | null>(null);
  const load = async (after: string | null) => {
    try {
      const d = await gql<{ files: { files?: StoredFile[]; next?: string | null } }>('query($after: String) { files(first: 100, after: $after) }', { after });
      const page = d.files ?? {};
      setFiles((old) => (after ? [...old, ...(page.files ?? [])] : (page.files ?? [])));
      setNext(page.next ?? null);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    void load(null);
  }, []);
  return (
    <div class="screen">
      <div class="toolbar">
        <span class="muted">{files.length} files shown</span>
        <span class="spacer" />
        <button type="button" class="small" data-testid="files-refresh" onClick={() => load(null)}>
          Refresh
        </button>
      </div>
      {error && <p class="form-error">{error}</p>}
      <table class="plain" data-testid="files-table">
        <thead>
          <tr>
            <th />
            <th>Name</th>
            <th>Type</th>
            <th>Size</th>
            <th>Stored</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {files.map((f) => {
            const url = safeUrl(f.url);
            return (
              <tr key={f.name} data-testid={`file-row-${f.name}`}>
                <td>
                  {url && isImage(f) ? (
                    <button
                      type="button"
                      class="ghost icon-button"
                      aria-label={`Preview ${f.name}`}
                      data-testid={`file-preview-${f.name}`}
                      onClick={() => setPreview(f)}
                    >
                      <img class="thumb" src={url} alt="" loading="lazy" data-testid={`file-thumb-${f.name}`} />
                    </button>
                  ) : null}
                </td>
                <td class="mono" title={f.name}>
                  {f.name}
                </td>
                <td>{f.contentType ?? ''}</td>
                <td>{size(f.size)}</td>
                <td>
                  <Time value={f.createdAt} />
                </td>
                <td>
                  <span class="row">
                    {url && (
                      <a class="button small" href={url} target="_blank" rel="noopener noreferrer" data-testid={`file-open-${f.name}`}>
                        Open
                      </a>
                    )}
                    {session.canWrite && (
                      <ConfirmButton
                        testid={`file-delete-${f.name}`}
                        question="Delete the stored file? Objects that name it will point to nothing."
                        onConfirm={async () => {
                          try {
                            await gql('mutation($name: String!) { deleteFile(name: $name) }', { name: f.name });
                            toast('File deleted');
                            setFiles((old) => old.filter((x) => x.name !== f.name));
                          } catch (e) {
                            toast(messageOf(e), 'error');
                          }
                        }}
                      >
                        Delete
                      </ConfirmButton>
                    )}
                  </span>
                </td>
              </tr>
            );
          })}
          {files.length === 0 && !error && (
            <tr>
              <td colSpan={6} class="muted">
                No stored files.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {next && (
        <button type="button" class="small" data-testid="files-more" onClick={() => load(next)}>
          More
        </button>
      )}
      <Orphans canWrite={session.canWrite} onDeleted={() => load(null)} />
      {preview && (
        <Dialog title={preview.name} onClose={() => setPreview(null)} testid="file-preview-dialog">
          <img class="preview-image" src={safeUrl(preview.url)} alt={preview.name} />
        </Dialog>
      )}
    </div>
  );
}
