import { useEffect, useState } from 'preact/hooks';
import { useGql } from '../../api/index.ts';
import { JsonView } from '../../widgets/json-editor.tsx';
import { useLoad } from '../../widgets/use-load.ts';
import { Time } from '../../widgets/time.tsx';

type Run = Record<string, unknown> & { objectId: string };

function str(value: unknown): string {
  return value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** Job history (`_JobStatus`, newest first): status, progress message, errors; refreshes while runs are under way. */
export function JobRuns({ refreshKey }: { refreshKey: number }) {
  const gql = useGql();
  const [open, setOpen] = useState<string | null>(null);
  const runs = useLoad(() => gql<{ jobRuns: Run[] }>('{ jobRuns(first: 100) }').then((d) => d.jobRuns ?? []), [refreshKey]);
  const busy = (runs.data ?? []).some((r) => r.status === 'running' || r.status === 'pending');
  useEffect(() => {
    if (!busy) return;
    const t = setInterval(() => void runs.reload(), 3000);
    return () => clearInterval(t);
  }, [busy, runs.reload]);
  return (
    <div class="panel" data-testid="job-runs">
      <div class="toolbar">
        <h3>Job history</h3>
        {busy && <span class="badge status-running">refreshing while runs are under way</span>}
        <span class="spacer" />
        <button type="button" class="small" data-testid="job-runs-refresh" onClick={() => runs.reload()}>
          Refresh
        </button>
      </div>
      {runs.error && <p class="form-error">{runs.error}</p>}
      <table class="plain">
        <thead>
          <tr>
            <th>Job</th>
            <th>Status</th>
            <th>Progress / error</th>
            <th>Source</th>
            <th>Queued</th>
            <th>Started</th>
            <th>Finished</th>
          </tr>
        </thead>
        <tbody>
          {(runs.data ?? []).map((r) => [
            <tr key={r.objectId} class="clickable" data-testid={`job-history-${r.objectId}`} onClick={() => setOpen(open === r.objectId ? null : r.objectId)}>
              <td>{str(r.jobName)}</td>
              <td>
                <span class={`badge status-${str(r.status)}`} data-testid={`job-history-status-${r.objectId}`}>
                  {str(r.status)}
                </span>
              </td>
              <td class="wrap">{str(r.message)}</td>
              <td>{str(r.source)}</td>
              <td>
                <Time value={r.createdAt} />
              </td>
              <td>
                <Time value={r.startedAt} />
              </td>
              <td>
                <Time value={r.finishedAt} />
              </td>
            </tr>,
            open === r.objectId && (
              <tr key={`${r.objectId}-detail`}>
                <td colSpan={7} class="wrap">
                  <JsonView value={r} />
                </td>
              </tr>
            ),
          ])}
          {runs.data?.length === 0 && (
            <tr>
              <td colSpan={7} class="muted">
                No runs yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
