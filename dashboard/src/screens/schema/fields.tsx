import { toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { messageOf } from '../../widgets/use-load.ts';
import { BUILT_IN, type ClassInfo, UPDATE_CLASS } from './types.ts';

/** A class's fields with their type, target, required flag and default; delete per field. */
export function Fields({ cls, canWrite, onDone }: { cls: ClassInfo; canWrite: boolean; onDone: () => void }) {
  const gql = useGql();
  return (
    <div class="panel">
      <h3>Fields</h3>
      <table class="plain" data-testid="fields-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Required</th>
            <th>Default</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cls.fields.map((f) => (
            <tr key={f.name} data-testid={`field-row-${f.name}`}>
              <td class="mono">{f.name}</td>
              <td>
                {f.type}
                {f.targetClass ? <span class="muted"> → {f.targetClass}</span> : null}
              </td>
              <td>{f.required ? 'yes' : ''}</td>
              <td class="mono">{f.defaultValue === null || f.defaultValue === undefined ? '' : JSON.stringify(f.defaultValue)}</td>
              <td>
                {canWrite && !BUILT_IN.has(f.name) && (
                  <ConfirmButton
                    testid={`field-delete-${f.name}`}
                    question="Delete the field and its data?"
                    onConfirm={async () => {
                      try {
                        await gql(UPDATE_CLASS, { className: cls.className, fields: { [f.name]: { __op: 'Delete' } } });
                        toast(`Field ${f.name} deleted`);
                        onDone();
                      } catch (e) {
                        toast(messageOf(e), 'error');
                      }
                    }}
                  >
                    Delete
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
