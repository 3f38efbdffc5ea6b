import type { HookRegistry, WriteOperation } from '../../core/index.ts';
import { Params, type Sql } from '../../db/index.ts';
import { DELETE_INSTALLATION_SQL, deleteTokenHoldersSql, installationMatchesSql, type InstallationRow } from '../../query/sql/installations.ts';
import type { Auth } from '../../security/index.ts';
import { installationErrors } from './errors.ts';
import { checkUnchanged, planInstallationWrite, type InstallationDelete, type InstallationWrite } from './plan.ts';

/** The unique index on lower("installationId") (migration 20261230000000_push): a create that trips it lost a race and merges. */
const INSTALLATION_ID_INDEX = '_Installation_unique_lower_installationId';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The X-Parse-Installation-Id of a client's request (Parse ignores it for the master key, which cloud code's own calls use). */
function headerId(auth: Auth): string | undefined {
  return auth.isMaster ? undefined : text(auth.request?.installationId)?.toLowerCase();
}

/** Whether the caller may write an installation with this write list (its ACL). */
function mayWrite(auth: Auth, wperm: readonly string[] | null): boolean {
  return auth.isMaster || wperm === null || auth.accessKeys.some((key) => wperm.includes(key));
}

/**
 * Puts the write's keys in op.input as Parse stores them — installationId lower-cased (the
 * header's for a create without one), an iOS token (64 characters) lower-cased — and returns
 * them. An empty installationId is none.
 */
function normalize(op: WriteOperation): InstallationWrite {
  const input = op.input;
  if (typeof input.deviceToken === 'string' && input.deviceToken.length === 64) input.deviceToken = input.deviceToken.toLowerCase();
  if (input.installationId === '') input.installationId = null;
  if (typeof input.installationId === 'string') input.installationId = input.installationId.toLowerCase();
  const header = op.kind === 'create' && !input.installationId ? headerId(op.auth) : undefined;
  if (header) input.installationId = header;
  return {
    kind: op.kind === 'create' ? 'create' : 'update',
    objectId: op.objectId,
    installationId: text(input.installationId),
    idFromHeader: header !== undefined,
    deviceToken: text(input.deviceToken),
    deviceType: text(input.deviceType),
    appIdentifier: text(input.appIdentifier),
  };
}

async function runDelete(tx: Sql, d: InstallationDelete): Promise<void> {
  if ('objectId' in d) {
    await tx.execute(DELETE_INSTALLATION_SQL, [d.objectId]);
    return;
  }
  const params = new Params();
  await tx.execute(deleteTokenHoldersSql(d.holders, params), params.values);
}

/**
 * Parse's rules for writes to `_Installation` (RestWrite.handleInstallation), on every path
 * (createInstallation, updateInstallation, nested creates, cloud code), for the master key too.
 * Before any other hook (cloud beforeSave included), the write is decided:
 * - a new installation needs an installationId (the body's or the X-Parse-Installation-Id
 *   header's) or a device token (135), and its deviceType (135);
 * - an update never changes installationId or deviceType (136);
 * - a create whose installationId (any case) or device token is already the device's merges
 *   into that installation (an update; see plan.ts), also when a concurrent create stored it first;
 * - a token saved with the installation's installationId in the write is taken from the others
 *   that hold it (plan.ts); an update by objectId alone leaves them the token, as Parse does.
 * Those deletes run in the write's transaction, just before its statement, so that the write
 * and what it displaces commit together. Who may list, count or delete installations is
 * decided with every other access (security/policy.ts: the master key only).
 */
export function registerInstallationRules(hooks: HookRegistry, db: Sql): void {
  const deletes = new WeakMap<WriteOperation, InstallationDelete[]>();
  hooks.register('_Installation', {
    async prepare(op) {
      if (op.kind === 'delete') return;
      const creating = op.kind === 'create';
      const w = normalize(op);
      if (creating && !op.input.deviceToken && !op.input.installationId) throw installationErrors.missingId();
      if (creating && w.installationId) op.mergeOnIndex = INSTALLATION_ID_INDEX;
      // An update that leaves the keys alone has nothing to check.
      if (!creating && w.deviceToken === undefined && op.input.installationId === undefined && op.input.deviceType === undefined) return;
      const keys = { objectId: creating ? undefined : op.objectId, installationId: w.installationId, deviceToken: w.deviceToken };
      if (!keys.objectId && !keys.installationId && !keys.deviceToken) return;
      const params = new Params();
      const rows = await (op.sql ?? db).query<InstallationRow & Record<string, unknown>>(installationMatchesSql(keys, params), params.values);
      if (!creating) {
        const own = rows.find((r) => r.objectId === op.objectId);
        // Missing, or not the caller's to write: the update answers 101 itself, revealing nothing.
        if (!own || !mayWrite(op.auth, own._wperm)) return;
        checkUnchanged(op.input, w, own);
      }
      const plan = planInstallationWrite(w, rows);
      if (plan.target && creating) op.mergeInto = plan.target;
      else if (plan.target) op.objectId = plan.target;
      if (plan.deletes.length) deletes.set(op, plan.deletes);
    },
    async beforeStatement(op, tx) {
      for (const d of deletes.get(op) ?? []) await runDelete(tx, d);
    },
  });
}
