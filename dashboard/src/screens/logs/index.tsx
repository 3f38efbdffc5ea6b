/**
 * Recent server logs, newest first, with a level and a text filter and an auto refresh.
 * Route: /logs.
 *
 * data-testid: logs-level, logs-contains, logs-apply, logs-auto, logs-refresh, logs-table, log-row-<i>, log-data-<i>
 */
import { useEffect, useState } from 'preact/hooks';
import { type ScreenProps, useGql } from '../../api/index.ts';
import { JsonView } from '../../widgets/json-editor.tsx';
import { useLoad } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { Time } from '../../widgets/time.tsx';

interface LogEntry {
  time: string;
  level: string;
  msg: string;
  data: unknown;
}

const LEVELS = ['', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export default function LogsScreen(_props: ScreenProps) {
  const gql = useGql();
  const [level, setLevel] = useState('');
  const [contains, setContains] = useState('');
  const [applied, setApplied] = useState({ level: '', contains: '' });
  const [auto, setAuto] = useState(true);
  const [open, setOpen] = useState<number | null>(null);
  const logs = useLoad(
    () =>
      gql<{ logs: LogEntry[] }>('query($level: String, $contains: String) { logs(level: $level, contains: $contains, first: 500) { time level msg data } }', {
        level: applied.level || null,
        contains: applied.contains || null,
      }).then((d) => d.logs),
    [applied],
  );
  useEffect(() => {
    if (!auto) return;
    const t = setInterval(() => void logs.reload(), 5000);
    return () => clearInterval(t);
  }, [auto, logs.reload]);
  return (
    <div class="screen">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ level, contains });
        }}
      >
        <label class="row">
          <span class="field-label">At least</span>
          <select
            value={level}
            data-testid="logs-level"
            onChange={(e) => {
              const value = (e.target as HTMLSelectElement).value;
              setLevel(value);
              setApplied({ level: value, contains });
            }}
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l || 'any level'}
              </option>
            ))}
          </select>
        </label>
        <input
          value={contains}
          placeholder="text contains…"
          aria-label="Text filter"
          data-testid="logs-contains"
          onInput={(e) => setContains((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="small" data-testid="logs-apply">
          Filter
        </button>
        <label class="row">
          <input type="checkbox" checked={auto} data-testid="logs-auto" onChange={(e) => setAuto((e.target as HTMLInputElement).checked)} /> auto refresh (5 s)
        </label>
        <span class="spacer" />
        <button type="button" class="small" data-testid="logs-refresh" onClick={() => logs.reload()}>
          Refresh
        </button>
      </form>
      {logs.error && <p class="form-error">{logs.error}</p>}
      <table class="plain" data-testid="logs-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Level</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {(logs.data ?? []).map((l, i) => [
            <tr key={`${l.time}-${i}`} class="log-line clickable" data-testid={`log-row-${i}`} onClick={() => setOpen(open === i ? null : i)}>
              <td>
                <Time value={l.time} />
              </td>
              <td class={`level-${l.level}`}>{l.level}</td>
              <td class="wrap">{l.msg}</td>
            </tr>,
            open === i && l.data !== null && l.data !== undefined && (
              <tr key={`${l.time}-${i}-data`}>
                <td colSpan={3} class="wrap" data-testid={`log-data-${i}`}>
                  <JsonView value={l.data} />
                </td>
              </tr>
            ),
          ])}
          {logs.data?.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                No log lines match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
