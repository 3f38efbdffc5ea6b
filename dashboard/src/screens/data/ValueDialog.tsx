import { useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog.tsx';
import { FileEditor } from '../../grid/FileEditor.tsx';
import type { FieldInfo, Obj } from '../../grid/types.ts';
import { editText, parseInput, UNSET } from '../../grid/values.ts';

/**
 * The dialog editor of values that do not fit in a cell: JSON (Object, Array, Polygon), Bytes,
 * geo points; files (upload, replace, remove) through the grid's FileEditor.
 */
export function ValueDialog({
  obj,
  field,
  readOnly,
  onSave,
  onClose,
}: {
  obj: Obj;
  field: FieldInfo;
  readOnly: boolean;
  onSave: (value: unknown) => Promise<void>;
  onClose: () => void;
}) {
  const value = obj[field.name] as Record<string, unknown> | undefined;
  const geo = field.type === 'GeoPoint';
  const [text, setText] = useState(() => editText(value, field));
  const [lat, setLat] = useState(() => (geo && value ? String(value.latitude ?? '') : ''));
  const [lng, setLng] = useState(() => (geo && value ? String(value.longitude ?? '') : ''));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (next?: unknown) => {
    setError(null);
    let parsed: unknown;
    try {
      parsed = next !== undefined ? next : parseInput(geo ? (lat.trim() || lng.trim() ? `${lat},${lng}` : '') : text, field);
    } catch (e) {
      return setError(e instanceof Error ? e.message : String(e));
    }
    setBusy(true);
    try {
      await onSave(parsed);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const title = `${field.name} (${field.type}) of ${obj.objectId}`;
  if (field.type === 'File')
    return (
      <Dialog
        title={title}
        onClose={onClose}
        testid="value-dialog"
        actions={
          <button type="button" onClick={onClose}>
            Close
          </button>
        }
      >
        <FileEditor value={value} readOnly={readOnly} onSave={onSave} onDone={onClose} />
      </Dialog>
    );
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testid="value-dialog"
      actions={
        <>
          {!readOnly && (
            <button type="button" class="danger" disabled={busy} onClick={() => save(UNSET)} data-testid="value-unset">
              Unset
            </button>
          )}
          <div class="spacer" />
          <button type="button" onClick={onClose}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
          {!readOnly && (
            <button type="button" class="primary" disabled={busy} onClick={() => save()} data-testid="value-save">
              Save
            </button>
          )}
        </>
      }
    >
      {geo ? (
        <div class="geo-inputs">
          <label>
            Latitude
            <input value={lat} readOnly={readOnly} onInput={(e) => setLat(e.currentTarget.value)} data-testid="geo-lat" />
          </label>
          <label>
            Longitude
            <input value={lng} readOnly={readOnly} onInput={(e) => setLng(e.currentTarget.value)} data-testid="geo-lng" />
          </label>
        </div>
      ) : (
        <textarea
          class="json-editor"
          rows={14}
          spellcheck={false}
          readOnly={readOnly}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          data-testid="value-text"
        />
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
