-- "_Session" becomes a class of the catalog, as in Parse Server, so that the data API serves it
-- (`Session`, `session(id)`, `sessions(…)`). Its table is the one 20261126000000_sessions_roles
-- made; "restricted" stays a column Plinth writes but no field (Parse 9 has none). Access does
-- not rest on this row: whatever its CLP says, a caller other than the master key needs a
-- session, reaches only the sessions that point to them and creates none (schema/defaults.ts
-- OWNER_FIELDS), and "sessionToken" — the token's SHA-256 — is never read through the API.
-- The CLP written here says the same, so that start-up does not list the class as public. A
-- database Parse created keeps its own row.
INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES
  ('_Session', '{"className":"_Session","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"user":{"type":"Pointer","targetClass":"_User"},"installationId":{"type":"String"},"sessionToken":{"type":"String"},"expiresAt":{"type":"Date"},"createdWith":{"type":"Object"}},"classLevelPermissions":{"find":{"requiresAuthentication":true},"count":{"requiresAuthentication":true},"get":{"requiresAuthentication":true},"create":{},"update":{"requiresAuthentication":true},"delete":{"requiresAuthentication":true},"addField":{},"protectedFields":{"*":[]}}}', true)
ON CONFLICT ("className") DO NOTHING;
