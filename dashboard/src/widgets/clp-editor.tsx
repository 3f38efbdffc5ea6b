import { useState } from 'preact/hooks';

/**
 * data-testid: clp-editor, clp-<op>-<entity> (checkbox), clp-new-entity, clp-new-kind, clp-add-entity,
 * clp-remove-<entity>, clp-readUserFields-<field>, clp-writeUserFields-<field>,
 * clp-protected-<entity> (text input), clp-protected-new, clp-protected-add
 */

/** Parse's class-level permissions JSON (as `_SCHEMA` holds it). */
export type ClpJson = Record<string, unknown>;

export const CLP_OPERATIONS = ['get', 'find', 'count', 'create', 'update', 'delete', 'addField'] as const;
type Operation = (typeof CLP_OPERATIONS)[number];

const LABELS: Record<string, string> = { '*': 'Public', requiresAuthentication: 'Any signed-in user' };

function entitiesOf(clp: ClpJson): string[] {
  const found = new Set<string>(['*', 'requiresAuthentication']);
  for (const op of CLP_OPERATIONS) {
    const rule = clp[op];
    if (rule && typeof rule === 'object') for (const k of Object.keys(rule)) if (k !== 'pointerFields') found.add(k);
  }
  return [...found];
}

function ruleOf(clp: ClpJson, op: Operation): Record<string, unknown> {
  const rule = clp[op];
  return rule && typeof rule === 'object' && !Array.isArray(rule) ? (rule as Record<string, unknown>) : {};
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * One editor for a class's permissions: per operation who may run it (public, any signed-in
 * user, roles, users), pointer permissions (`readUserFields` / `writeUserFields`: the users a
 * field points to may read / write the object) and protected fields per entity. Answers the
 * whole CLP JSON through `onChange` (the caller saves it with updateClass).
 */
export function ClpEditor(props: {
  value: ClpJson;
  onChange: (clp: ClpJson) => void;
  /** Fields that may hold users (pointers to _User, arrays): candidates for pointer permissions. */
  userFields: string[];
  disabled?: boolean;
}) {
  const clp = props.value;
  const [extra, setExtra] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'role' | 'user'>('role');
  const [protectedEntity, setProtectedEntity] = useState('');
  const entities = [...new Set([...entitiesOf(clp), ...extra])];

  const toggle = (op: Operation, entity: string, on: boolean) => {
    const rule = { ...ruleOf(clp, op) };
    if (on) rule[entity] = true;
    else delete rule[entity];
    props.onChange({ ...clp, [op]: rule });
  };
  const removeEntity = (entity: string) => {
    const next = { ...clp };
    for (const op of CLP_OPERATIONS) {
      const rule = { ...ruleOf(clp, op) };
      delete rule[entity];
      next[op] = rule;
    }
    setExtra(extra.filter((e) => e !== entity));
    props.onChange(next);
  };
  const addEntity = () => {
    const n = name.trim().replace(/^role:/, '');
    if (!n) return;
    const key = kind === 'role' ? `role:${n}` : n;
    if (!entities.includes(key)) setExtra([...extra, key]);
    setName('');
  };
  const toggleUserField = (list: 'readUserFields' | 'writeUserFields', field: string, on: boolean) => {
    const current = listOf(clp[list]).filter((f) => f !== field);
    props.onChange({ ...clp, [list]: on ? [...current, field] : current });
  };
  const protectedMap = (clp.protectedFields && typeof clp.protectedFields === 'object' ? clp.protectedFields : {}) as Record<string, unknown>;
  const setProtected = (entity: string, text: string | null) => {
    const next = { ...protectedMap };
    if (text === null) delete next[entity];
    else
      next[entity] = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    props.onChange({ ...clp, protectedFields: next });
  };
  const userFieldCandidates = [...new Set([...props.userFields, ...listOf(clp.readUserFields), ...listOf(clp.writeUserFields)])];

  return (
    <div class="clp-editor" data-testid="clp-editor">
      <h3>Who may do what</h3>
      <p class="muted">Nobody ticked for an operation: only the master key (and admins) may run it.</p>
      <table class="plain clp-table">
        <thead>
          <tr>
            <th>Who</th>
            {CLP_OPERATIONS.map((op) => (
              <th key={op}>{op}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {entities.map((entity) => (
            <tr key={entity}>
              <td title={entity}>
                {LABELS[entity] ?? (
                  <>
                    <span class="badge">{entity.startsWith('role:') ? 'role' : 'user'}</span> <span class="mono">{entity.replace(/^role:/, '')}</span>
                  </>
                )}
              </td>
              {CLP_OPERATIONS.map((op) => (
                <td key={op}>
                  <input
                    type="checkbox"
                    aria-label={`${op} for ${LABELS[entity] ?? entity}`}
                    checked={ruleOf(clp, op)[entity] === true}
                    disabled={props.disabled}
                    data-testid={`clp-${op}-${entity}`}
                    onChange={(e) => toggle(op, entity, (e.target as HTMLInputElement).checked)}
                  />
                </td>
              ))}
              <td>
                {!LABELS[entity] && !props.disabled && (
                  <button type="button" class="small ghost" data-testid={`clp-remove-${entity}`} onClick={() => removeEntity(entity)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!props.disabled && (
        <div class="row">
          <select value={kind} aria-label="Kind" data-testid="clp-new-kind" onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'role' | 'user')}>
            <option value="role">Role</option>
            <option value="user">User id</option>
          </select>
          <input
            value={name}
            placeholder={kind === 'role' ? 'Role name' : 'User objectId'}
            aria-label="Role name or user id"
            data-testid="clp-new-entity"
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
          <button type="button" class="small" data-testid="clp-add-entity" onClick={addEntity}>
            Add row
          </button>
        </div>
      )}

      <h3>Pointer permissions</h3>
      {userFieldCandidates.length === 0 ? (
        <p class="muted">No field of this class points to users.</p>
      ) : (
        <table class="plain">
          <thead>
            <tr>
              <th>Users in field</th>
              <th>may read</th>
              <th>may write</th>
            </tr>
          </thead>
          <tbody>
            {userFieldCandidates.map((field) => (
              <tr key={field}>
                <td class="mono">{field}</td>
                {(['readUserFields', 'writeUserFields'] as const).map((list) => (
                  <td key={list}>
                    <input
                      type="checkbox"
                      aria-label={`${list} ${field}`}
                      checked={listOf(clp[list]).includes(field)}
                      disabled={props.disabled}
                      data-testid={`clp-${list}-${field}`}
                      onChange={(e) => toggleUserField(list, field, (e.target as HTMLInputElement).checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Protected fields</h3>
      <p class="muted">
        Fields hidden from an entity: <code>*</code>, <code>authenticated</code>, <code>role:Name</code>, a user id or <code>userField:field</code>.
      </p>
      <table class="plain">
        <tbody>
          {Object.keys(protectedMap).map((entity) => (
            <tr key={entity}>
              <td class="mono">{entity}</td>
              <td>
                <input
                  class="wide"
                  value={listOf(protectedMap[entity]).join(', ')}
                  aria-label={`Protected fields for ${entity}`}
                  disabled={props.disabled}
                  data-testid={`clp-protected-${entity}`}
                  onChange={(e) => setProtected(entity, (e.target as HTMLInputElement).value)}
                />
              </td>
              <td>
                {!props.disabled && (
                  <button type="button" class="small ghost" onClick={() => setProtected(entity, null)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!props.disabled && (
        <div class="row">
          <input
            value={protectedEntity}
            placeholder="* or role:Name or userField:owner"
            aria-label="Entity for protected fields"
            data-testid="clp-protected-new"
            onInput={(e) => setProtectedEntity((e.target as HTMLInputElement).value)}
          />
          <button
            type="button"
            class="small"
            data-testid="clp-protected-add"
            onClick={() => {
              const entity = protectedEntity.trim();
              if (entity && !(entity in protectedMap)) setProtected(entity, '');
              setProtectedEntity('');
            }}
          >
            Add
          </button>
        </div>
      )}
    </div>
  );
}
