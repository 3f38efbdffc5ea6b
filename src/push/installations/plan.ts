import type { InstallationRow, TokenHolders } from '../../query/sql/installations.ts';
import { installationErrors } from './errors.ts';

/** A write to `_Installation` as its rules see it: its keys, normalized as they are stored. */
export interface InstallationWrite {
  kind: 'create' | 'update';
  /** The installation updated (update). */
  objectId?: string;
  /** Lower-cased: the body's, or for a create without one the X-Parse-Installation-Id header's. */
  installationId?: string;
  /** The installationId is the header's: the write's own fields give none (Parse's `data.installationId` is unset). */
  idFromHeader?: boolean;
  deviceToken?: string;
  deviceType?: string;
  appIdentifier?: string;
}

/** Installations the write deletes, in its transaction, before its own statement. */
export type InstallationDelete = { objectId: string } | { holders: TokenHolders };

/** Where the write goes, and what it deletes on the way. */
export interface InstallationPlan {
  /**
   * The installation written: for a create, an existing one it merges into (absent: a new
   * one); for an update, the one it updates — another one when the write links two.
   */
  target?: string;
  deletes: InstallationDelete[];
}

/**
 * The refusals of an update (136), against the stored installation: its installationId and
 * deviceType never change (nor are unset), nor does the device token of an installation that
 * has no installationId, unless the update gives one.
 */
export function checkUnchanged(input: Readonly<Record<string, unknown>>, w: InstallationWrite, stored: InstallationRow): void {
  const id = input.installationId;
  if (id !== undefined && stored.installationId && (id === null || (typeof id === 'string' && id !== stored.installationId.toLowerCase()))) {
    throw installationErrors.changed('installationId');
  }
  if (w.deviceToken && stored.deviceToken && w.deviceToken !== stored.deviceToken && !w.installationId && !stored.installationId) {
    throw installationErrors.changed('deviceToken');
  }
  const type = input.deviceType;
  if (type === undefined) return;
  if (type === null || type === '' ? !!stored.deviceType : type !== stored.deviceType) throw installationErrors.changed('deviceType');
}

/**
 * Parse's handleInstallation, branch for branch, over the installations that share a key with
 * the write (`rows`): the installation with the write's installationId is the device's
 * (`idMatch`; for an update, else the one updated). A device token is the device's too:
 * - no idMatch: an installation holding the token alone, where one side has no installationId,
 *   is the device's (the write merges into it); several holders need the write's installationId
 *   (132), and then every other holder goes;
 * - idMatch, and the token held only by another installation without installationId (imported
 *   tokens): idMatch goes and the write merges into that one, which keeps its fields;
 * - idMatch getting a new token: the other holders go — all but the write's installationId —
 *   only when the write's fields give that installationId. Without it (an update by objectId, a
 *   create with the X-Parse-Installation-Id header only) every holder keeps the token: Parse
 *   deletes only by the body's installationId (or a body objectId, which Plinth's transports
 *   never pass on).
 * Holders go only within the write's app when it names one (appIdentifier).
 * A new installation needs its deviceType (135); a merge does not.
 */
export function planInstallationWrite(w: InstallationWrite, rows: readonly InstallationRow[]): InstallationPlan {
  const updating = w.kind === 'update';
  const own = updating ? rows.find((r) => r.objectId === w.objectId) : undefined;
  const byId = w.installationId === undefined ? undefined : rows.find((r) => r.installationId?.toLowerCase() === w.installationId);
  const byToken = w.deviceToken === undefined ? [] : rows.filter((r) => r.deviceToken === w.deviceToken);
  const idMatch = byId ?? own;
  if (!updating && !w.deviceType && !idMatch) throw installationErrors.missingDeviceType();
  const token = w.deviceToken!;
  const app = w.appIdentifier;
  // The installationId the write's fields give (the header's counts for finding idMatch only).
  const given = w.idFromHeader ? undefined : w.installationId;
  if (!idMatch) {
    if (byToken.length === 0) return { deletes: [] };
    if (byToken.length === 1 && (!byToken[0].installationId || !w.installationId)) return { target: byToken[0].objectId, deletes: [] };
    if (!given) throw installationErrors.ambiguousToken();
    return { deletes: [{ holders: { deviceToken: token, keepInstallationId: given, appIdentifier: app } }] };
  }
  // (Parse also takes idMatch itself for that other installation, and deletes what it then updates.)
  if (byToken.length === 1 && !byToken[0].installationId && byToken[0].objectId !== idMatch.objectId) {
    return { target: byToken[0].objectId, deletes: [{ objectId: idMatch.objectId }] };
  }
  if (w.deviceToken === undefined || idMatch.deviceToken === w.deviceToken || !given) return { target: idMatch.objectId, deletes: [] };
  return { target: idMatch.objectId, deletes: [{ holders: { deviceToken: token, keepInstallationId: given, appIdentifier: app } }] };
}
