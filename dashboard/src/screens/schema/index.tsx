/**
 * The schema screen: classes (create, delete), their fields of every type (add with required
 * and default, delete), indexes and class-level permissions. Route: /schema/<className>.
 *
 * data-testid: schema-class-list, schema-class-<name>, class-new-name, class-create, class-delete(-confirm),
 * schema-tab-fields|indexes|permissions, fields-table, field-row-<name>, field-delete-<name>(-confirm),
 * add-field-form, field-name, field-type, field-target, field-required, field-default, field-add,
 * indexes, index-row-<name>, index-field, index-direction, index-name, index-add, index-delete-<name>(-confirm),
 * permissions, clp-save, clp-reset (and the clp-* ids of widgets/clp-editor.tsx)
 */
import { useState } from 'preact/hooks';
import { navigate, type ScreenProps, toast, useGql } from '../../api/index.ts';
import { ConfirmButton } from '../../widgets/confirm-button.tsx';
import { messageOf, useLoad } from '../../widgets/use-load.ts';
import '../../widgets/widgets.css';
import { AddField } from './add-field.tsx';
import { Fields } from './fields.tsx';
import { Indexes } from './indexes.tsx';
import { Permissions } from './permissions.tsx';
import { CLASSES, type ClassInfo } from './types.ts';

type Tab = 'fields' | 'indexes' | 'permissions';

export default function SchemaScreen({ session, args }: ScreenProps) {
  const gql = useGql();
  const loaded = useLoad(() => gql<{ classes: ClassInfo[] }>(CLASSES).then((d) => d.classes), []);
  const [newName, setNewName] = useState('');
  const [tab, setTab] = useState<Tab>('fields');
  const classes = loaded.data ?? [];
  const selected = classes.find((c) => c.className === args[0]);
  const canWrite = session.canWrite;

  const create = async (e: Event) => {
    e.preventDefault();
    const className = newName.trim();
    try {
      await gql('mutation($className: String!) { createClass(className: $className) { className } }', { className });
      toast(`Class ${className} created`);
      setNewName('');
      await loaded.reload();
      navigate(`/schema/${encodeURIComponent(className)}`);
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };

  return (
    <div class="screen">
      {loaded.error && <p class="form-error">{loaded.error}</p>}
      <div class="split">
        <div class="panel">
          <ul class="side-list" data-testid="schema-class-list">
            {classes.map((c) => (
              <li key={c.className}>
                <button
                  type="button"
                  class={c === selected ? 'active' : ''}
                  data-testid={`schema-class-${c.className}`}
                  onClick={() => navigate(`/schema/${encodeURIComponent(c.className)}`)}
                >
                  <span>{c.className}</span>
                  <span class="muted">{c.fields.length}</span>
                </button>
              </li>
            ))}
          </ul>
          {canWrite && (
            <form class="row" onSubmit={create}>
              <input
                value={newName}
                placeholder="NewClass"
                aria-label="New class name"
                required
                pattern="[A-Za-z_][A-Za-z0-9_]*"
                data-testid="class-new-name"
                onInput={(e) => setNewName((e.target as HTMLInputElement).value)}
              />
              <button type="submit" class="small primary" data-testid="class-create">
                Create class
              </button>
            </form>
          )}
        </div>
        <div class="screen-main">
          {!selected ? (
            <p class="muted">{loaded.loading ? 'Loading…' : 'Pick a class on the left, or create one.'}</p>
          ) : (
            <div class="screen">
              <div class="toolbar">
                <h2 data-testid="schema-class-title">{selected.className}</h2>
                <span class="spacer" />
                {canWrite && (
                  <ConfirmButton
                    testid="class-delete"
                    question={`Delete ${selected.className} and all its objects?`}
                    onConfirm={async () => {
                      try {
                        await gql('mutation($className: String!) { deleteClass(className: $className) }', { className: selected.className });
                        toast(`Class ${selected.className} deleted`);
                        navigate('/schema');
                        await loaded.reload();
                      } catch (err) {
                        toast(messageOf(err), 'error');
                      }
                    }}
                  >
                    Delete class
                  </ConfirmButton>
                )}
              </div>
              <div class="tabs" role="tablist">
                {(['fields', 'indexes', 'permissions'] as Tab[]).map((t) => (
                  <button
                    key={t}
                    type="button"
                    role="tab"
                    aria-selected={tab === t}
                    class={tab === t ? 'active' : ''}
                    data-testid={`schema-tab-${t}`}
                    onClick={() => setTab(t)}
                  >
                    {t === 'fields' ? 'Fields' : t === 'indexes' ? 'Indexes' : 'Permissions'}
                  </button>
                ))}
              </div>
              {tab === 'fields' && (
                <>
                  <Fields cls={selected} canWrite={canWrite} onDone={loaded.reload} />
                  {canWrite && <AddField className={selected.className} classNames={classes.map((c) => c.className)} onDone={loaded.reload} />}
                </>
              )}
              {tab === 'indexes' && <Indexes cls={selected} canWrite={canWrite} onDone={loaded.reload} />}
              {tab === 'permissions' && <Permissions cls={selected} canWrite={canWrite} onDone={loaded.reload} />}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
