import { useEffect, useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import { Dialog } from '../../app/Dialog.tsx';
import { formatValue } from '../../grid/format.ts';
import type { ClassInfo, FieldInfo, Obj } from '../../grid/types.ts';
import { ADD_RELATION, CREATE, RELATED, REMOVE_RELATION } from './queries.ts';

/**
 * The objects in one relation field: listed by page, detached one by one, attached by id, or
 * created in the target class and attached.
 */
export function RelationDialog({
  cls,
  obj,
  field,
  target,
  editable,
  onOpenObject,
  onClose,
}: {
  cls: ClassInfo;
  obj: Obj;
  field: FieldInfo;
  target: ClassInfo | undefined;
  editable: boolean;
  onOpenObject: (className: string, objectId: string) => void;
  onClose: () => void;
}) {
  const gql = useGql();
  const [rows, setRows] = useState<Obj[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attachId, setAttachId] = useState('');
  const [newFields, setNewFields] = useState('{}');
  const [busy, setBusy] = useState(false);
  const vars = { className: cls.className, objectId: obj.objectId, field: field.name };
  const targetClass = field.targetClass ?? '';
  const shownFields = (target?.fields ?? [])
    .filter((f) => !['objectId', 'ACL', 'createdAt', 'updatedAt'].includes(f.name) && f.type !== 'Relation')
    .slice(0, 3);

  const load = async (after: string | null) => {
    try {
      const d = await gql<{ related: { objects: Obj[]; next: string | null } }>(RELATED, { ...vars, first: 50, after });
      setRows((r) => (after ? [...r, ...d.related.objects] : d.related.objects));
      setNext(d.related.next);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  useEffect(() => void load(null), []);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await load(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const attach = (ids: string[]) => gql(ADD_RELATION, { ...vars, targetIds: ids });
  const detach = (id: string) => run(() => gql(REMOVE_RELATION, { ...vars, targetIds: [id] }));

  return (
    <Dialog
      title={`${cls.className} ${obj.objectId} · ${field.name} → ${targetClass}`}
      onClose={onClose}
      wide
      testid="relation-dialog"
      actions={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <table class="plain">
        <thead>
          <tr>
            <th>objectId</th>
            {shownFields.map((f) => (
              <th key={f.name}>{f.name}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.objectId} data-testid={`related-${r.objectId}`}>
              <td>
                <button type="button" class="cell-link" onClick={() => onOpenObject(targetClass, r.objectId)}>
                  {r.objectId}
                </button>
              </td>
              {shownFields.map((f) => (
                <td key={f.name}>{formatValue(r[f.name], f)}</td>
              ))}
              <td>
                {editable && (
                  <button type="button" class="small" disabled={busy} onClick={() => detach(r.objectId)} data-testid={`detach-${r.objectId}`}>
                    Detach
                  </button>
                )}
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={shownFields.length + 2} class="muted">
                No related object.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {next && (
        <button type="button" class="small" onClick={() => load(next)}>
          Load more
        </button>
      )}
      {editable && (
        <>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const ids = attachId
                .split(/[\s,]+/)
                .map((s) => s.trim())
                .filter(Boolean);
              if (ids.length) run(() => attach(ids)).then(() => setAttachId(''));
            }}
          >
            <input
              placeholder={`objectId(s) of ${targetClass}`}
              aria-label="objectIds to attach"
              value={attachId}
              onInput={(e) => setAttachId(e.currentTarget.value)}
              data-testid="relation-attach-id"
            />
            <button type="submit" disabled={busy} data-testid="relation-attach">
              Attach
            </button>
          </form>
          <details>
            <summary>Create a {targetClass} and attach it</summary>
            <textarea
              class="json-editor"
              rows={4}
              value={newFields}
              onInput={(e) => setNewFields(e.currentTarget.value)}
              aria-label="Fields (JSON)"
              data-testid="relation-new-fields"
            />
            <button
              type="button"
              disabled={busy}
              data-testid="relation-create"
              onClick={() =>
                run(async () => {
                  let fields: unknown;
                  try {
                    fields = JSON.parse(newFields);
                  } catch {
                    throw new Error('The fields are not valid JSON');
                  }
                  const created = await gql<{ createObject: Obj }>(CREATE, { className: targetClass, fields });
                  await attach([created.createObject.objectId]);
                  setNewFields('{}');
                })
              }
            >
              Create and attach
            </button>
          </details>
        </>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
