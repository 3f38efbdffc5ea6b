/** Two digits. */
const pad = (n: number) => String(n).padStart(2, '0');

/** The ISO string of a date as the API gives it: an ISO string, or Parse's `{__type: 'Date', iso}`. */
function isoOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { iso?: unknown }).iso === 'string') return (value as { iso: string }).iso;
  return null;
}

/**
 * A moment shown in the viewer's local time, `2026-12-06 20:42:47`, with the exact ISO instant
 * as the tooltip and the element's datetime. Anything that is not a date is shown as it is.
 */
export function Time({ value }: { value: unknown }) {
  const iso = isoOf(value);
  if (iso === null) return <>{value == null ? '' : String(value)}</>;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <>{iso}</>;
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return (
    <time dateTime={iso} title={iso}>
      {local}
    </time>
  );
}
