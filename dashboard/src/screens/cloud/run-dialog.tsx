import { useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { Dialog } from '../../widgets/dialog.tsx';
import { JsonEditor, JsonView, parseJsonText } from '../../widgets/json-editor.tsx';
import { messageOf } from '../../widgets/use-load.ts';

/** Runs a cloud function (showing its result) or queues a job (showing its run id), with JSON params. */
export function RunDialog({ kind, name, onClose, onQueued }: { kind: 'function' | 'job'; name: string; onClose: () => void; onQueued?: () => void }) {
  const gql = useGql();
  const [params, setParams] = useState('{}');
  const [result, setResult] = useState<{ value: unknown } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const value = parseJsonText(params, { object: true, empty: {} });
      if (kind === 'function') {
        const d = await gql<{ runFunction: unknown }>('mutation($name: String!, $params: JSON) { runFunction(name: $name, params: $params) }', {
          name,
          params: value,
        });
        setResult({ value: d.runFunction });
      } else {
        const d = await gql<{ runJob: string }>('mutation($name: String!, $params: JSON) { runJob(name: $name, params: $params) }', { name, params: value });
        setResult({ value: { jobStatusId: d.runJob } });
        toast(`Job ${name} queued`);
        onQueued?.();
      }
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`${kind === 'function' ? 'Run function' : 'Run job'} ${name}`}
      onClose={onClose}
      testid="run-dialog"
      actions={
        <button type="button" class="primary" disabled={busy} data-testid="run-go" onClick={run}>
          {kind === 'function' ? 'Run' : 'Queue run'}
        </button>
      }
    >
      <JsonEditor label="Params (JSON object)" value={params} onInput={setParams} object rows={8} testid="run-params" />
      {error && (
        <p class="form-error" data-testid="run-error">
          {error}
        </p>
      )}
      {result && (
        <>
          <span class="field-label">Result</span>
          <JsonView value={result.value} testid="run-result" />
        </>
      )}
    </Dialog>
  );
}
