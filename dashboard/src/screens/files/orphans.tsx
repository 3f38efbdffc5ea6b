import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { messageOf } from '../../widgets/use-load.ts';

type Run = { objectId: string; status?: string; message?: string };

/**
 * Orphan files through the built-in `deleteOrphanFiles` job: a dry run lists the stored files no
 * object refers to (in the run's final message); the real run deletes them. Waits for the run.
 */
export function Orphans({ canWrite, onDeleted }: { canWrite: boolean; onDeleted: () => void }) {
  const gql = useGql();
  const [hours, setHours] = useState('48');
  const [state, setState] = useState<{ status: string; message: string } | null>(null);
  const run = async (dryRun: boolean) => {
    try {
      const olderThanHours = Number(hours);
      if (!Number.isFinite(olderThanHours) || olderThanHours < 0) throw new Error('The age is a number of hours, 0 or more.');
      const { runJob: id } = await gql<{ runJob: string }>('mutation($params: JSON) { runJob(name: "deleteOrphanFiles", params: $params) }', {
        params: { dryRun, olderThanHours },
      });
      setState({ status: 'pending', message: '' });
      for (let i = 0; i < 120; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const { jobRuns } = await gql<{ jobRuns: Run[] }>('{ jobRuns(first: 50) }');
        const mine = jobRuns.find((r) => r.objectId === id);
        if (!mine) continue;
        setState({ status: mine.status ?? '', message: mine.message ?? '' });
        if (mine.status === 'succeeded' || mine.status === 'failed') {
          if (!dryRun && mine.status === 'succeeded') onDeleted();
          return;
        }
      }
    } catch (e) {
      toast(messageOf(e), 'error');
    }
  };
  return (
    <div class="panel" data-testid="orphans">
      <h3>Orphan files</h3>
      <p class="muted">Stored files that no object refers to, older than the age given (the built-in deleteOrphanFiles job).</p>
      {canWrite ? (
        <div class="row">
          <label class="row">
            <span class="field-label">Older than (hours)</span>
            <input
              value={hours}
              inputMode="decimal"
              aria-label="Older than hours"
              data-testid="orphans-hours"
              onInput={(e) => setHours((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="button" class="small" data-testid="orphans-find" onClick={() => run(true)}>
            Find orphans
          </button>
          <ConfirmButton testid="orphans-delete" question="Delete every orphan file?" onConfirm={() => run(false)}>
            Delete orphans
          </ConfirmButton>
        </div>
      ) : (
        <p class="muted">Finding orphans runs a job, which this account may not do.</p>
      )}
      {state && (
        <p data-testid="orphans-result">
          <span class={`badge status-${state.status}`}>{state.status}</span> {state.message}
        </p>
      )}
    </div>
  );
}
