/**
 * The cloud code screen: the registry in force (per class its triggers in run order with their
 * validators and file:line; functions; jobs with their schedules), running a function or a job
 * with JSON params, scheduling a job (a _JobSchedule), and the job history. Route: /cloud.
 *
 * data-testid: cloud-summary, cloud-refresh, cloud-triggers, trigger-<class>-<kind>-<order>, cloud-functions,
 * function-row-<name>, function-run-<name>, cloud-jobs, job-row-<name>, job-run-<name> (button),
 * job-schedules-<name>, job-schedule-<name> (button), schedule-dialog, schedule-cron, schedule-tz,
 * schedule-description, schedule-params, schedule-save, schedule-delete-<id>(-confirm), run-dialog, run-params, run-go, run-result, run-error, run-dialog-close,
 * job-runs, job-runs-refresh, job-history-<runId> (row), job-history-status-<runId>
 */
import { useState } from 'preact/hooks';
import { type ScreenProps, toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { messageOf, useLoad } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { JobRuns } from './job-runs.tsx';
import { RunDialog } from './run-dialog.tsx';
import { ScheduleDialog } from './schedule-dialog.tsx';
import { type CloudCode, statsText, where } from './types.ts';

function Where({ item }: { item: Parameters<typeof where>[0] }) {
  const w = where(item);
  return (
    <span class="mono" title={w.full}>
      {w.short}
    </span>
  );
}

function validatorText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return v === 'function' ? 'validator function' : JSON.stringify(v);
}

export default function CloudScreen({ session }: ScreenProps) {
  const gql = useGql();
  const code = useLoad(() => gql<{ cloudCode: CloudCode }>('{ cloudCode }').then((d) => d.cloudCode), []);
  const [running, setRunning] = useState<{ kind: 'function' | 'job'; name: string } | null>(null);
  const [runsKey, setRunsKey] = useState(0);
  const [scheduling, setScheduling] = useState<string | null>(null);
  const c = code.data;
  const classes = c?.classes ?? [];
  const functions = c?.functions ?? [];
  const jobs = c?.jobs ?? [];
  return (
    <div class="screen">
      <div class="toolbar" data-testid="cloud-summary">
        {c && (
          <span class="muted">
            {c.file ? (
              <>
                Cloud code from <span class="mono">{c.file}</span>
              </>
            ) : (
              'Cloud code given in code (createServer)'
            )}
            {c.loadedAt ? `, loaded ${c.loadedAt}` : ', none loaded'}
          </span>
        )}
        <span class="spacer" />
        <button type="button" class="small" data-testid="cloud-refresh" onClick={() => code.reload()}>
          Refresh
        </button>
      </div>
      {code.error && <p class="form-error">{code.error}</p>}

      <div class="panel" data-testid="cloud-triggers">
        <h3>Triggers, per class, in the order they run</h3>
        <table class="plain">
          <thead>
            <tr>
              <th>Class</th>
              <th>#</th>
              <th>Trigger</th>
              <th>Where</th>
              <th>Validator</th>
              <th>Stats</th>
            </tr>
          </thead>
          <tbody>
            {classes.flatMap((cls) =>
              cls.triggers.map((t, i) => (
                <tr key={`${cls.className}-${t.kind}-${t.order}-${i}`} data-testid={`trigger-${cls.className}-${t.kind}-${t.order}`}>
                  <td>{i === 0 ? cls.className : ''}</td>
                  <td>{i + 1}</td>
                  <td class="mono">
                    {t.kind}
                    {t.order > 1 ? ` (${t.order})` : ''}
                  </td>
                  <td>
                    <Where item={t} />
                  </td>
                  <td class="mono" title={validatorText(t.validator)}>
                    {validatorText(t.validator)}
                  </td>
                  <td title={t.stats?.lastError ?? undefined}>{statsText(t.stats)}</td>
                </tr>
              )),
            )}
            {classes.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No triggers.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <div class="panel" data-testid="cloud-functions">
        <h3>Functions</h3>
        <table class="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>Where</th>
              <th>Validator</th>
              <th>Stats</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {functions.map((f) => (
              <tr key={f.name} data-testid={`function-row-${f.name}`}>
                <td class="mono">{f.name}</td>
                <td>
                  <Where item={f} />
                </td>
                <td class="mono">{validatorText(f.validator)}</td>
                <td title={f.stats?.lastError ?? undefined}>{statsText(f.stats)}</td>
                <td>
                  <button type="button" class="small" data-testid={`function-run-${f.name}`} onClick={() => setRunning({ kind: 'function', name: f.name })}>
                    Run…
                  </button>
                </td>
              </tr>
            ))}
            {functions.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  No functions.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <div class="panel" data-testid="cloud-jobs">
        <h3>Jobs and schedules</h3>
        <table class="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>Where</th>
              <th>Schedules</th>
              <th>Next run</th>
              <th>Last run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.name} data-testid={`job-row-${j.name}`}>
                <td>
                  <span class="mono">{j.name}</span>
                  {!j.registered && <span class="badge status-failed">not in the code</span>}
                  {j.description && <div class="muted">{j.description}</div>}
                </td>
                <td>
                  <Where item={j} />
                </td>
                <td class="wrap" data-testid={`job-schedules-${j.name}`}>
                  {(j.schedules ?? []).map((s) => (
                    <div key={`${s.origin}-${s.id ?? s.schedule}`} class="row">
                      <span class="mono">{s.schedule}</span>
                      <span class="muted">
                        ({s.timeZone}, {s.origin === 'code' ? 'in code' : `_JobSchedule ${s.id ?? ''}`})
                      </span>
                      {s.origin === 'database' && s.id && session.canWrite && (
                        <ConfirmButton
                          testid={`schedule-delete-${s.id}`}
                          question="Remove this schedule?"
                          onConfirm={async () => {
                            try {
                              await gql('mutation($ids: [ID!]!) { deleteObjects(className: "_JobSchedule", objectIds: $ids) }', { ids: [s.id] });
                              await code.reload();
                            } catch (e) {
                              toast(messageOf(e), 'error');
                            }
                          }}
                        >
                          Remove
                        </ConfirmButton>
                      )}
                    </div>
                  ))}
                  {j.scheduleError && <div class="form-error">{j.scheduleError}</div>}
                  {!j.schedules?.length && !j.scheduleError && <span class="muted">on demand</span>}
                </td>
                <td>{j.nextRun ?? ''}</td>
                <td>
                  {j.lastStatus && <span class={`badge status-${j.lastStatus}`}>{j.lastStatus}</span>} {j.lastRunAt ?? ''}
                  {j.lastMessage && <div class="muted">{j.lastMessage}</div>}
                </td>
                <td>
                  {session.canWrite && j.registered && (
                    <span class="row">
                      <button type="button" class="small" data-testid={`job-run-${j.name}`} onClick={() => setRunning({ kind: 'job', name: j.name })}>
                        Run…
                      </button>
                      <button type="button" class="small" data-testid={`job-schedule-${j.name}`} onClick={() => setScheduling(j.name)}>
                        Schedule…
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
            {jobs.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No jobs.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <JobRuns refreshKey={runsKey} />
      {scheduling && (
        <ScheduleDialog
          job={scheduling}
          onClose={() => setScheduling(null)}
          onSaved={() => {
            setScheduling(null);
            void code.reload();
          }}
        />
      )}
      {running && <RunDialog kind={running.kind} name={running.name} onClose={() => setRunning(null)} onQueued={() => setRunsKey((k) => k + 1)} />}
    </div>
  );
}
