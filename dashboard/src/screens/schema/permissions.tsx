import { useEffect, useState } from 'preact/hooks';
import { toast, useGql } from '../../api/index.ts';
import { ClpEditor, type ClpJson } from '../../widgets/clp-editor.tsx';
import { messageOf } from '../../widgets/use-load.ts';
import { type ClassInfo, UPDATE_CLASS } from './types.ts';

/** The class-level permissions editor, saved whole through updateClass. */
export function Permissions({ cls, canWrite, onDone }: { cls: ClassInfo; canWrite: boolean; onDone: () => void }) {
  const gql = useGql();
  const [clp, setClp] = useState<ClpJson>(cls.classLevelPermissions ?? {});
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    setClp(cls.classLevelPermissions ?? {});
    setDirty(false);
  }, [cls]);
  const userFields = cls.fields.filter((f) => (f.type === 'Pointer' && f.targetClass === '_User') || f.type === 'Array').map((f) => f.name);
  return (
    <div class="panel" data-testid="permissions">
      <ClpEditor
        value={clp}
        userFields={userFields}
        disabled={!canWrite}
        onChange={(next) => {
          setClp(next);
          setDirty(true);
        }}
      />
      {canWrite && (
        <div class="row">
          <button
            type="button"
            class="primary"
            disabled={!dirty}
            data-testid="clp-save"
            onClick={async () => {
              try {
                await gql(UPDATE_CLASS, { className: cls.className, classLevelPermissions: clp });
                toast('Permissions saved');
                setDirty(false);
                onDone();
              } catch (e) {
                toast(messageOf(e), 'error');
              }
            }}
          >
            Save permissions
          </button>
          <button type="button" disabled={!dirty} data-testid="clp-reset" onClick={() => (setClp(cls.classLevelPermissions ?? {}), setDirty(false))}>
            Discard changes
          </button>
        </div>
      )}
    </div>
  );
}
