import { useState } from 'preact/hooks';

/** A SCOPED admin's reach, as AdminScopeInput takes it. */
export interface ScopeInput {
  classes: { className: string; fields?: string[] | null; write: boolean }[];
  features: string[];
}

export const FEATURES = ['data', 'schema', 'users', 'cloud', 'files', 'push', 'logs', 'graphiql'];

/** Classes (with optional field lists and a write flag) and features of a scoped admin. */
export function ScopeEditor({ value, onChange, classNames }: { value: ScopeInput; onChange: (s: ScopeInput) => void; classNames: string[] }) {
  const [adding, setAdding] = useState('');
  const setClass = (i: number, patch: Partial<ScopeInput['classes'][number]>) =>
    onChange({ ...value, classes: value.classes.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <div class="scope-editor" data-testid="scope-editor">
      <span class="field-label">Features</span>
      <div class="row">
        {FEATURES.map((f) => (
          <label key={f} class="row">
            <input
              type="checkbox"
              checked={value.features.includes(f)}
              data-testid={`scope-feature-${f}`}
              onChange={(e) =>
                onChange({ ...value, features: (e.target as HTMLInputElement).checked ? [...value.features, f] : value.features.filter((x) => x !== f) })
              }
            />
            {f}
          </label>
        ))}
      </div>
      <span class="field-label">Classes</span>
      <table class="plain">
        <thead>
          <tr>
            <th>Class</th>
            <th>Fields (empty: all)</th>
            <th>Write</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {value.classes.map((c, i) => (
            <tr key={c.className} data-testid={`scope-class-${c.className}`}>
              <td class="mono">{c.className}</td>
              <td>
                <input
                  class="wide"
                  value={(c.fields ?? []).join(', ')}
                  placeholder="all fields"
                  aria-label={`Fields of ${c.className}`}
                  data-testid={`scope-fields-${c.className}`}
                  onChange={(e) => {
                    const list = (e.target as HTMLInputElement).value
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean);
                    setClass(i, { fields: list.length ? list : null });
                  }}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={c.write}
                  aria-label={`Write ${c.className}`}
                  data-testid={`scope-write-${c.className}`}
                  onChange={(e) => setClass(i, { write: (e.target as HTMLInputElement).checked })}
                />
              </td>
              <td>
                <button type="button" class="small ghost" onClick={() => onChange({ ...value, classes: value.classes.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row">
        <input
          list="scope-class-names"
          value={adding}
          placeholder="Class name"
          aria-label="Add a class"
          data-testid="scope-class-new"
          onInput={(e) => setAdding((e.target as HTMLInputElement).value)}
        />
        <datalist id="scope-class-names">
          {classNames.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <button
          type="button"
          class="small"
          data-testid="scope-class-add"
          onClick={() => {
            const name = adding.trim();
            if (name && !value.classes.some((c) => c.className === name))
              onChange({ ...value, classes: [...value.classes, { className: name, write: false }] });
            setAdding('');
          }}
        >
          Add class
        </button>
      </div>
    </div>
  );
}
