/** A value as one line of JSON text (absent: empty). */
function show(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v);
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Before and after side by side, one row per field; fields that changed are marked. */
export function Diff({ before, after }: { before: unknown; after: unknown }) {
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b && !a)
    return (
      <p class="muted" data-testid="audit-diff-empty">
        No object data recorded.
      </p>
    );
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].sort();
  return (
    <table class="plain audit-diff">
      <thead>
        <tr>
          <th>Field</th>
          <th>Before</th>
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const was = show(b?.[k]);
          const now = show(a?.[k]);
          return (
            <tr key={k} class={was !== now ? 'changed' : ''} data-testid={was !== now ? `diff-changed-${k}` : undefined}>
              <td class="mono">{k}</td>
              <td class="mono wrap">{b ? was : <span class="muted">(none)</span>}</td>
              <td class="mono wrap">{a ? now : <span class="muted">(deleted)</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
