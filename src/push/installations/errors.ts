import { ErrorCode, ParseError } from '../../errors/index.ts';

/** Parse's errors for installation writes (RestWrite.handleInstallation), word for word. */
export const installationErrors = {
  /** A new installation with neither an installationId (body or header) nor a device token. */
  missingId: () => new ParseError(ErrorCode.MISSING_REQUIRED_FIELD, 'at least one ID field (deviceToken, installationId) must be specified in this operation'),
  /** A new installation (not a merge into an existing one) without its deviceType. */
  missingDeviceType: () => new ParseError(ErrorCode.MISSING_REQUIRED_FIELD, 'deviceType must be specified in this operation'),
  /** installationId, deviceType (or, on an installation without installationId, deviceToken) changed by an update. */
  changed: (field: 'installationId' | 'deviceType' | 'deviceToken') =>
    new ParseError(ErrorCode.CHANGED_IMMUTABLE_FIELD, `${field} may not be changed in this operation`),
  /** A device token held by several installations, saved without an installationId to tell which one is the device's. */
  ambiguousToken: () => new ParseError(ErrorCode.INVALID_INSTALLATION_ID, 'Must specify installationId when deviceToken matches multiple Installation objects'),
};
