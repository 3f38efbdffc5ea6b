import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { JsonEditor, parseJsonText } from '../../widgets/json-editor.tsx';
import { messageOf } from '../../widgets/use-load.ts';
import { FIELD_TYPES, UPDATE_CLASS } from './types.ts';

/** The default value as typed, in Parse's REST encoding; undefined when none was given. */
function defaultOf(type: string, text: string): unknown {
  if (!text.trim()) return undefined;
  switch (type) {
    case 'String':
      return text;
    case 'Number': {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new Error('The default must be a number.');
      return n;
    }
    case 'Boolean':
      return text === 'true';
    case 'Date': {
      const d = new Date(text);
      if (Number.isNaN(d.getTime())) throw new Error('The default must be a date (e.g. 2024-01-31T12:00:00Z).');
      return { __type: 'Date', iso: d.toISOString() };
    }
    default:
      return parseJsonText(text);
  }
}

/** The "add a field" form: name, type, target class, required, default value. */
export function AddField({ className, classNames, onDone }: { className: string; classNames: string[]; onDone: () => void }) {
  const gql = useGql();
  const [name, setName] = useState('');
  const [type, setType] = useState('String');
  const [target, setTarget] = useState('');
  const [required, setRequired] = useState(false);
  const [def, setDef] = useState('');
  const [busy, setBusy] = useState(false);
  const needsTarget = type === 'Pointer' || type === 'Relation';
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const field: Record<string, unknown> = { type };
      if (needsTarget) {
        if (!target) throw new Error('Pick the class it points to.');
        field.targetClass = target;
      }
      if (required) field.required = true;
      const value = type === 'Relation' ? undefined : defaultOf(type, def);
      if (value !== undefined) field.defaultValue = value;
      setBusy(true);
      await gql(UPDATE_CLASS, { className, fields: { [name.trim()]: field } });
      toast(`Field ${name.trim()} added`);
      setName('');
      setDef('');
      setRequired(false);
      onDone();
    } catch (err) {
      toast(messageOf(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={submit} data-testid="add-field-form">
      <h3>Add a field</h3>
      <div class="form-grid">
        <label for="field-name">Name</label>
        <input id="field-name" required value={name} data-testid="field-name" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="field-type">Type</label>
        <select id="field-type" value={type} data-testid="field-type" onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
          {FIELD_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        {needsTarget && (
          <>
            <label for="field-target">Target class</label>
            <select id="field-target" value={target} data-testid="field-target" onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
              <option value="">—</option>
              {classNames.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </>
        )}
        <label for="field-required">Required</label>
        <input
          id="field-required"
          type="checkbox"
          checked={required}
          data-testid="field-required"
          onChange={(e) => setRequired((e.target as HTMLInputElement).checked)}
        />
        {type !== 'Relation' && (
          <>
            <label for="field-default">Default value</label>
            {type === 'Boolean' ? (
              <select id="field-default" value={def} data-testid="field-default" onChange={(e) => setDef((e.target as HTMLSelectElement).value)}>
                <option value="">none</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : type === 'String' || type === 'Number' || type === 'Date' ? (
              <input
                id="field-default"
                value={def}
                inputMode={type === 'Number' ? 'decimal' : 'text'}
                placeholder={type === 'Date' ? '2024-01-31T12:00:00Z' : 'none'}
                data-testid="field-default"
                onInput={(e) => setDef((e.target as HTMLInputElement).value)}
              />
            ) : (
              <JsonEditor value={def} onInput={setDef} rows={3} placeholder="JSON in Parse's encoding (empty: none)" testid="field-default" />
            )}
          </>
        )}
      </div>
      <div class="row">
        <button class="primary" type="submit" disabled={busy || !name.trim()} data-testid="field-add">
          Add field
        </button>
      </div>
    </form>
  );
}
