import { useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import { Dialog } from '../../app/Dialog.tsx';
import { IMPORT, PREVIEW_IMPORT } from './queries.ts';

interface Preview {
  total: number;
  sample: Record<string, unknown>[];
  fields: string[];
  errors: string[];
}

/** Import: pick a CSV or JSON file, see the server's preview (sample rows, errors), then import. */
export function ImportDialog({ className, onDone, onClose }: { className: string; onDone: (created: number) => void; onClose: () => void }) {
  const gql = useGql();
  const [text, setText] = useState<string | null>(null);
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<{ created: number; failed: number; errors: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setPreview(null);
    setResult(null);
    const fmt = /\.json$/i.test(file.name) || file.type.includes('json') ? 'json' : 'csv';
    setFormat(fmt);
    const body = await file.text();
    setText(body);
    setBusy(true);
    try {
      const d = await gql<{ previewImport: Preview }>(PREVIEW_IMPORT, { className, format: fmt, text: body });
      setPreview(d.previewImport);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    if (text === null) return;
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ importObjects: { created: number; failed: number; errors: string[] } }>(IMPORT, { className, format, text });
      setResult(d.importObjects);
      onDone(d.importObjects.created);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const cols = preview?.fields ?? [];
  return (
    <Dialog
      title={`Import into ${className}`}
      onClose={onClose}
      wide
      testid="import-dialog"
      actions={
        <>
          <button type="button" onClick={onClose}>
            {result ? 'Close' : 'Cancel'}
          </button>
          {!result && (
            <button type="button" class="primary" disabled={busy || !preview || preview.total === 0} onClick={run} data-testid="import-run">
              Import {preview ? `${preview.total} rows` : ''}
            </button>
          )}
        </>
      }
    >
      <input type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => pick(e.currentTarget.files?.[0])} data-testid="import-file" />
      {busy && <p class="muted">Working…</p>}
      {preview && (
        <div data-testid="import-preview">
          <p>
            {preview.total} rows ({format.toUpperCase()}); fields: {cols.join(', ') || '—'}
          </p>
          <div class="preview-scroll">
            <table class="plain">
              <thead>
                <tr>
                  {cols.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((row, i) => (
                  <tr key={i}>
                    {cols.map((c) => (
                      <td key={c}>{row[c] === undefined ? '' : typeof row[c] === 'string' ? (row[c] as string) : JSON.stringify(row[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview.errors.length > 0 && (
            <ul class="error-list" data-testid="import-errors">
              {preview.errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {result && (
        <div data-testid="import-result">
          <p>
            Created {result.created}, failed {result.failed}.
          </p>
          {result.errors.length > 0 && (
            <ul class="error-list">
              {result.errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
