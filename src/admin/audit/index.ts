export { auditActor, MASTER_KEY_ACTOR, CLOUD_CODE_ACTOR } from './actor.ts';
export { auditHook, registerAudit, unregisterAudit, recordSchemaChange, type AuditRecorderDeps } from './recorder.ts';
export { auditedSchemaChange } from './schema-change.ts';
export { readAudit, type AuditEntry, type AuditPage, type AuditQuery } from './reader.ts';
export { startAuditRetention, sweepAudit } from './retention.ts';
export { auditJson, classJson } from './json.ts';
