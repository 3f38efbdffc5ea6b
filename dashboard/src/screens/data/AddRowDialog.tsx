import { useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import { Dialog } from '../../app/Dialog.tsx';
import type { ClassInfo, FieldInfo, Obj } from '../../grid/types.ts';
import { SYSTEM_FIELDS } from '../../grid/types.ts';
import { parseInput, UNSET } from '../../grid/values.ts';
import { CREATE } from './queries.ts';

function hint(f: FieldInfo): string {
  switch (f.type) {
    case 'Pointer':
      return `objectId of ${f.targetClass}`;
    case 'Date':
      return 'ISO date';
    case 'GeoPoint':
      return 'latitude, longitude';
    case 'Boolean':
      return 'true or false';
    case 'Object':
    case 'ACL':
      return '{ JSON }';
    case 'Array':
    case 'Polygon':
      return '[ JSON ]';
    default:
      return f.type;
  }
}

/** Add a row: one box per field (empty boxes are left out), parsed per type like the cell editors. */
export function AddRowDialog({ cls, onCreated, onClose }: { cls: ClassInfo; onCreated: (obj: Obj) => void; onClose: () => void }) {
  const gql = useGql();
  const fields = cls.fields.filter((f) => !SYSTEM_FIELDS.has(f.name) && f.type !== 'Relation' && f.type !== 'File');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const out: Record<string, unknown> = {};
    try {
      for (const f of fields) {
        const text = values[f.name] ?? '';
        if (text.trim() === '') continue;
        const v = parseInput(text, f);
        if (v !== UNSET) out[f.name] = v;
      }
    } catch (err) {
      return setError(err instanceof Error ? err.message : String(err));
    }
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ createObject: Obj }>(CREATE, { className: cls.className, fields: out });
      onCreated({ ...out, ...d.createObject } as Obj);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`New ${cls.className}`}
      onClose={onClose}
      testid="add-row-dialog"
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="add-row-form" class="primary" disabled={busy} data-testid="add-row-save">
            Create
          </button>
        </>
      }
    >
      <form id="add-row-form" class="field-form" onSubmit={submit}>
        {fields.map((f) => (
          <label key={f.name}>
            <span>
              {f.name}
              {f.required && <span class="required"> *</span>} <span class="muted">{f.type === 'Pointer' ? `Pointer<${f.targetClass}>` : f.type}</span>
            </span>
            <input
              placeholder={hint(f)}
              value={values[f.name] ?? ''}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
              data-testid={`add-field-${f.name}`}
            />
          </label>
        ))}
        {fields.length === 0 && <p class="muted">This class has no field to set; the row gets an objectId and dates.</p>}
      </form>
      {error && (
        <p class="form-error" role="alert" data-testid="add-row-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}
