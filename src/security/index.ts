export { Auth } from './auth.ts';
export { aclFromColumns, aclToColumns, validateAcl, readFilterSql, writeFilterSql, canRead, PUBLIC_ACL, type AclMap } from './acl.ts';
