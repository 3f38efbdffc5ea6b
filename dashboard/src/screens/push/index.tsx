/**
 * The push console: compose (audience, message, schedule, expiry) and the status of recent
 * pushes with their per-provider results. Route: /push.
 *
 * data-testid: push-compose, push-audience-all|channels|where, push-channels, push-where, push-alert, push-title,
 * push-badge, push-sound, push-data, push-time, push-expiry, push-expiration-time, push-expiration-interval,
 * push-send, push-statuses, push-refresh, push-row-<id>, push-status-<id>, push-detail-<id>
 */
import { useState } from 'preact/hooks';
import { type ScreenProps, useGql } from '../../api/index.ts';
import { JsonView } from '../../widgets/json-editor.tsx';
import { useLoad } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { Compose } from './compose.tsx';
import { Time } from '../../widgets/time.tsx';

type PushStatus = Record<string, unknown> & { objectId: string };

function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'iso' in (v as object)) return String((v as { iso: unknown }).iso);
  return JSON.stringify(v);
}

/** Parse stores query and payload as JSON text: shown parsed when they parse. */
function parsed(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** "ios 3 sent, 1 failed · android 2 sent" from sentPerType / failedPerType. */
function perProvider(s: PushStatus): string {
  const sent = (s.sentPerType ?? {}) as Record<string, number>;
  const failed = (s.failedPerType ?? {}) as Record<string, number>;
  const types = [...new Set([...Object.keys(sent), ...Object.keys(failed)])];
  return types.map((t) => `${t}: ${sent[t] ?? 0} sent${failed[t] ? `, ${failed[t]} failed` : ''}`).join(' · ');
}

export default function PushScreen({ session }: ScreenProps) {
  const gql = useGql();
  const [open, setOpen] = useState<string | null>(null);
  const statuses = useLoad(() => gql<{ pushStatuses: PushStatus[] }>('{ pushStatuses(first: 100) }').then((d) => d.pushStatuses ?? []), []);
  return (
    <div class="screen">
      {session.canWrite && <Compose onSent={() => statuses.reload()} />}
      <div class="panel" data-testid="push-statuses">
        <div class="toolbar">
          <h3>Recent pushes</h3>
          <span class="spacer" />
          <button type="button" class="small" data-testid="push-refresh" onClick={() => statuses.reload()}>
            Refresh
          </button>
        </div>
        {statuses.error && <p class="form-error">{statuses.error}</p>}
        <table class="plain">
          <thead>
            <tr>
              <th>Created</th>
              <th>Send at</th>
              <th>Status</th>
              <th>Sent</th>
              <th>Failed</th>
              <th>Per provider</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {(statuses.data ?? []).map((s) => {
              const payload = parsed(s.payload) as Record<string, unknown> | null;
              return [
                <tr key={s.objectId} class="clickable" data-testid={`push-row-${s.objectId}`} onClick={() => setOpen(open === s.objectId ? null : s.objectId)}>
                  <td>
                    <Time value={s.createdAt} />
                  </td>
                  <td>{str(s.pushTime)}</td>
                  <td>
                    <span class={`badge status-${str(s.status)}`} data-testid={`push-status-${s.objectId}`}>
                      {str(s.status)}
                    </span>
                  </td>
                  <td>{str(s.numSent)}</td>
                  <td>{str(s.numFailed)}</td>
                  <td class="wrap">{perProvider(s)}</td>
                  <td title={str(payload?.alert)}>{str(payload && typeof payload === 'object' ? payload.alert : payload)}</td>
                </tr>,
                open === s.objectId && (
                  <tr key={`${s.objectId}-detail`} data-testid={`push-detail-${s.objectId}`}>
                    <td colSpan={7} class="wrap">
                      <div class="diff">
                        <div>
                          <span class="field-label">Audience</span>
                          <JsonView value={parsed(s.query)} />
                          <span class="field-label">Payload</span>
                          <JsonView value={payload} />
                        </div>
                        <div>
                          <span class="field-label">Errors</span>
                          <JsonView value={s.errorMessage ?? null} />
                          <span class="field-label">Whole status</span>
                          <JsonView value={s} />
                        </div>
                      </div>
                    </td>
                  </tr>
                ),
              ];
            })}
            {statuses.data?.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No pushes yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
