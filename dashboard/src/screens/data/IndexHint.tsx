import { useState } from 'preact/hooks';
import { useGql } from '../../api/gql.ts';
import type { Session } from '../../api/session.ts';
import { toast } from '../../api/toast.ts';
import type { ClassInfo } from '../../grid/types.ts';

/*
 * data-testid: index-hint, index-hint-create
 */

/** From this many objects, a sort without an index reads the whole table for every page (seconds on a million rows). */
const LARGE_CLASS = 10_000;

const CREATE_INDEX = `mutation($className: String!, $indexes: JSON) { updateClass(className: $className, indexes: $indexes) { className } }`;

/** Whether some index of the class starts with `field` (Parse's index JSON: name → {field: 1 | -1 | 'text'}). */
function hasIndexOn(indexes: unknown, field: string): boolean {
  if (field === 'objectId') return true;
  if (!indexes || typeof indexes !== 'object') return false;
  for (const keys of Object.values(indexes as Record<string, unknown>)) {
    if (keys && typeof keys === 'object' && Object.keys(keys)[0] === field) return true;
  }
  return false;
}

/**
 * Shown while a large class is sorted by a field no index starts with: every page then sorts the
 * whole table. Offers to create the index (admins who may change the schema).
 */
export function IndexHint({ cls, order, total, session }: { cls: ClassInfo; order: string[]; total: number | null; session: Session }) {
  const gql = useGql();
  const [made, setMade] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const field = order[0]?.replace(/_(ASC|DESC)$/, '');
  if (!field || total == null || total < LARGE_CLASS || made.has(field) || hasIndexOn(cls.indexes, field)) return null;
  const mayCreate = session.canWrite && session.features.includes('schema');
  const create = async () => {
    setBusy(true);
    try {
      await gql(CREATE_INDEX, { className: cls.className, indexes: { [`${field}_1`]: { [field]: 1 } } });
      setMade(new Set([...made, field]));
      toast(`Index on ${field} created.`);
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="index-hint" role="status" data-testid="index-hint">
      <span>
        No index starts with <code>{field}</code>: sorting {total.toLocaleString()} objects by it is slow.
      </span>
      {mayCreate && (
        <button type="button" class="small" disabled={busy} onClick={create} data-testid="index-hint-create">
          Create index
        </button>
      )}
    </div>
  );
}
