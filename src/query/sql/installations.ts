import type { Params } from '../../db/index.ts';

/** What the installation rules (push/installations) know of an installation a write concerns. */
export interface InstallationRow {
  objectId: string;
  installationId: string | null;
  deviceToken: string | null;
  deviceType: string | null;
  /** The write list of its ACL (null: anyone may write it). */
  _wperm: string[] | null;
}

/** The keys of a write to `_Installation`; absent ones are not looked for. */
export interface InstallationKeys {
  /** The installation being updated. */
  objectId?: string;
  /** Lower-cased; matched whatever the case it is stored in. */
  installationId?: string;
  deviceToken?: string;
}

/**
 * The installations a write to `_Installation` concerns, read in one statement as Parse's
 * handleInstallation reads them (one OR): the one updated, the one with the installationId,
 * those with the device token. Each key is served by an index (the primary key, the unique
 * index on lower("installationId"), "deviceToken"). At least one key must be given.
 */
export function installationMatchesSql(keys: InstallationKeys, params: Params): string {
  const or: string[] = [];
  if (keys.objectId !== undefined) or.push(`"objectId" = ${params.add(keys.objectId)}`);
  if (keys.installationId !== undefined) or.push(`lower("installationId") = ${params.add(keys.installationId)}`);
  if (keys.deviceToken !== undefined) or.push(`"deviceToken" = ${params.add(keys.deviceToken)}`);
  return `SELECT "objectId", "installationId", "deviceToken", "deviceType", "_wperm" FROM "_Installation" WHERE ${or.join(' OR ')}`;
}

/** Deletes one installation by objectId (`$1`): the one merged into the installation that holds its device token. */
export const DELETE_INSTALLATION_SQL = 'DELETE FROM "_Installation" WHERE "objectId" = $1';

/** Which other holders of a device token give it up: all but the installation kept, only those of one app when named. */
export interface TokenHolders {
  deviceToken: string;
  /** Keep the installation with this (lower-cased) installationId; holders without one go. */
  keepInstallationId?: string;
  /** Keep this installation. */
  keepObjectId?: string;
  appIdentifier?: string;
}

/** Deletes the other installations that hold a device token (Parse's dedup when a token moves to another installation). */
export function deleteTokenHoldersSql(holders: TokenHolders, params: Params): string {
  const where = [`"deviceToken" = ${params.add(holders.deviceToken)}`];
  if (holders.keepInstallationId !== undefined) where.push(`lower("installationId") IS DISTINCT FROM ${params.add(holders.keepInstallationId)}`);
  if (holders.keepObjectId !== undefined) where.push(`"objectId" <> ${params.add(holders.keepObjectId)}`);
  if (holders.appIdentifier !== undefined) where.push(`"appIdentifier" = ${params.add(holders.appIdentifier)}`);
  return `DELETE FROM "_Installation" WHERE ${where.join(' AND ')}`;
}
