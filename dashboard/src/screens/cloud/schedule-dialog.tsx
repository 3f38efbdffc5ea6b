import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { Dialog } from '../../widgets/dialog.tsx';
import { JsonEditor, parseJsonText } from '../../widgets/json-editor.tsx';
import { messageOf } from '../../widgets/use-load.ts';

/** Schedules a job: a `_JobSchedule` object with a cron expression, a time zone and params. */
export function ScheduleDialog({ job, onClose, onSaved }: { job: string; onClose: () => void; onSaved: () => void }) {
  const gql = useGql();
  const [cron, setCron] = useState('0 3 * * *');
  const [timeZone, setTimeZone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [description, setDescription] = useState('');
  const [params, setParams] = useState('{}');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const value = parseJsonText(params, { object: true, empty: {} });
      await gql('mutation($fields: JSON!) { createObject(className: "_JobSchedule", fields: $fields) }', {
        fields: { jobName: job, cron: cron.trim(), timeZone: timeZone.trim(), description: description.trim() || undefined, params: JSON.stringify(value) },
      });
      toast(`${job} scheduled`);
      onSaved();
    } catch (e) {
      toast(messageOf(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Schedule ${job}`}
      onClose={onClose}
      testid="schedule-dialog"
      closeLabel="Cancel"
      actions={
        <button type="button" class="primary" disabled={busy || !cron.trim()} data-testid="schedule-save" onClick={save}>
          Add schedule
        </button>
      }
    >
      <div class="form-grid">
        <label for="schedule-cron">Cron</label>
        <input id="schedule-cron" value={cron} class="mono" data-testid="schedule-cron" onInput={(e) => setCron((e.target as HTMLInputElement).value)} />
        <label for="schedule-tz">Time zone</label>
        <input id="schedule-tz" value={timeZone} data-testid="schedule-tz" onInput={(e) => setTimeZone((e.target as HTMLInputElement).value)} />
        <label for="schedule-description">Description</label>
        <input
          id="schedule-description"
          value={description}
          data-testid="schedule-description"
          onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
        />
      </div>
      <JsonEditor label="Params (JSON object)" value={params} onInput={setParams} object rows={4} testid="schedule-params" />
    </Dialog>
  );
}
