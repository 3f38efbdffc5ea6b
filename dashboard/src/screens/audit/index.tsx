/**
 * The audit trail (owners only): every write made through the dashboard or with the master
 * key, newest first, filtered by class and object, each with its before/after diff.
 * Route: /audit (/audit/<className>/<objectId> pre-fills the filters).
 *
 * data-testid: audit-class, audit-object, audit-apply, audit-clear, audit-table, audit-row-<id>, audit-diff-<id>,
 * audit-more
 */
import { useEffect, useState } from 'preact/hooks';
import { type ScreenProps, useGql } from '../../api/index.ts';
import { messageOf } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { Diff } from './diff.tsx';
import { Time } from '../../widgets/time.tsx';

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  className: string | null;
  objectId: string | null;
  before: unknown;
  after: unknown;
}

const AUDIT = `query($className: String, $objectId: String, $after: String) {
  audit(className: $className, objectId: $objectId, first: 50, after: $after) { next entries { id at actor action className objectId before after } }
}`;

export default function AuditScreen({ args }: ScreenProps) {
  const gql = useGql();
  const [className, setClassName] = useState(args[0] ?? '');
  const [objectId, setObjectId] = useState(args[1] ?? '');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = async (after: string | null) => {
    try {
      const d = await gql<{ audit: { entries: AuditEntry[]; next: string | null } }>(AUDIT, {
        className: className.trim() || null,
        objectId: objectId.trim() || null,
        after,
      });
      setEntries((old) => (after ? [...old, ...d.audit.entries] : d.audit.entries));
      setNext(d.audit.next);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    void load(null);
  }, []);
  return (
    <div class="screen">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null);
        }}
      >
        <input
          value={className}
          placeholder="Class"
          aria-label="Class"
          data-testid="audit-class"
          onInput={(e) => setClassName((e.target as HTMLInputElement).value)}
        />
        <input
          value={objectId}
          placeholder="objectId"
          aria-label="Object id"
          data-testid="audit-object"
          onInput={(e) => setObjectId((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="small" data-testid="audit-apply">
          Filter
        </button>
        <button
          type="button"
          class="small ghost"
          data-testid="audit-clear"
          onClick={() => {
            setClassName('');
            setObjectId('');
          }}
        >
          Clear
        </button>
      </form>
      {error && <p class="form-error">{error}</p>}
      <table class="plain" data-testid="audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Class</th>
            <th>Object</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => [
            <tr
              key={e.id}
              class="clickable"
              tabIndex={0}
              data-testid={`audit-row-${e.id}`}
              onClick={() => setOpen(open === e.id ? null : e.id)}
              onKeyDown={(k) => k.key === 'Enter' && setOpen(open === e.id ? null : e.id)}
            >
              <td>
                <Time value={e.at} />
              </td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.className ?? ''}</td>
              <td class="mono">{e.objectId ?? ''}</td>
            </tr>,
            open === e.id && (
              <tr key={`${e.id}-diff`}>
                <td colSpan={5} class="wrap" data-testid={`audit-diff-${e.id}`}>
                  <Diff before={e.before} after={e.after} />
                </td>
              </tr>
            ),
          ])}
          {entries.length === 0 && !error && (
            <tr>
              <td colSpan={5} class="muted">
                Nothing recorded yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {next && (
        <button type="button" class="small" data-testid="audit-more" onClick={() => load(next)}>
          More
        </button>
      )}
    </div>
  );
}
