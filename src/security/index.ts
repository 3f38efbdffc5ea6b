export { Auth } from './auth.ts';
export { RoleResolver } from './roles.ts';
export { aclFromColumns, aclToColumns, validateAcl, readFilterSql, writeFilterSql, canRead, PUBLIC_ACL, type AclMap } from './acl.ts';
