export { Auth, type AdminScope, type RequestInfo } from './auth.ts';
export { RoleResolver } from './roles.ts';
export { aclFromColumns, aclToColumns, classDefaultAcl, validateAcl, readFilterSql, writeFilterSql, canRead, PUBLIC_ACL, type AclMap } from './acl.ts';
export {
  readPolicy,
  writePolicy,
  fieldMask,
  refusesClients,
  checkAddField,
  type ReadPolicy,
  type WritePolicy,
  type ReadOperation,
  type WriteOperation,
} from './policy.ts';
export { guardWhere, guardOrder } from './guard-query.ts';
export { accessSql } from './filters.ts';
export { valueHoldsUser } from './pointer-permissions.ts';
export type { FieldMask } from './protected-fields.ts';
export { adminMayWrite, adminAggregate, adminRefusals, checkAdminWrites, checkSchemaChange } from './admin-scope.ts';
