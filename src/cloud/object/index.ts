export { CloudObjectImpl } from './cloud-object.ts';
export { CloudAcl } from './acl.ts';
export { CloudFileValue, CloudGeoPointValue, CloudRelationRef, isCloudObject, type PolygonJson, type BytesJson } from './values.ts';
export { fromStored, newObject, withChanges, pointerTo, markSaved, toStored, toWriteInput } from './create.ts';
export { applyRestOp, type RestFieldOp } from './rest-ops.ts';
export { decodeJson, encodeJson, MAX_JSON_DEPTH, type DecodeOptions, type EncodeOptions } from './json.ts';
export type { CloudEnv } from './env.ts';
