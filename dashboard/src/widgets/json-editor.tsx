/** Parses JSON typed by an admin; an empty text is `empty`. Throws with a readable message. */
export function parseJsonText(text: string, opts: { object?: boolean; empty?: unknown } = {}): unknown {
  if (!text.trim()) return opts.empty;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (opts.object && (typeof value !== 'object' || value === null || Array.isArray(value))) throw new Error('Expected a JSON object ({…}).');
  return value;
}

/** Whether the text parses (as an object when asked). */
function problemOf(text: string, object: boolean): string | null {
  try {
    parseJsonText(text, { object });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Pretty JSON for showing a value (always as text: data is never rendered as HTML). */
export function pretty(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A JSON text area that says at once when its text does not parse. */
export function JsonEditor(props: {
  value: string;
  onInput: (text: string) => void;
  /** Require a JSON object. */
  object?: boolean;
  rows?: number;
  placeholder?: string;
  testid?: string;
  label?: string;
  disabled?: boolean;
}) {
  const problem = props.value.trim() ? problemOf(props.value, props.object ?? false) : null;
  return (
    <div class="json-editor">
      {props.label && <span class="field-label">{props.label}</span>}
      <textarea
        rows={props.rows ?? 6}
        spellcheck={false}
        value={props.value}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-label={props.label}
        aria-invalid={problem ? 'true' : undefined}
        data-testid={props.testid}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {problem && <p class="form-error">{problem}</p>}
    </div>
  );
}

/** A value shown as pretty JSON text in a <pre>. */
export function JsonView({ value, testid }: { value: unknown; testid?: string }) {
  return (
    <pre class="json-view" data-testid={testid}>
      {pretty(value)}
    </pre>
  );
}
