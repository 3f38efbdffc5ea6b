-- Sessions in Lucia's design, in Parse Server's "_Session" layout: "sessionToken" holds the
-- SHA-256 (hex) of the token, never the token itself (a token is shown to its client once).
-- The table is internal: it is not a class of "_SCHEMA", so the API never serves it.
CREATE TABLE IF NOT EXISTS "_Session" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "restricted" BOOLEAN,
    "user" TEXT,
    "installationId" TEXT,
    "sessionToken" TEXT,
    "expiresAt" TIMESTAMPTZ,
    "createdWith" JSONB,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_Session_pkey" PRIMARY KEY ("objectId")
);
CREATE UNIQUE INDEX IF NOT EXISTS "_Session_unique_sessionToken" ON "_Session" ("sessionToken");
CREATE INDEX IF NOT EXISTS "_Session_user" ON "_Session" ("user");

-- Usernames and emails are unique regardless of case. A database that Parse Server filled may
-- already hold case-variants; then the index is left out and the server's check remains.
DO $$
BEGIN
  CREATE UNIQUE INDEX IF NOT EXISTS "_User_unique_lower_username" ON "_User" (lower("username"));
EXCEPTION WHEN unique_violation THEN
  RAISE NOTICE 'usernames differing only in case exist: case-insensitive unique index not created';
END
$$;
DO $$
BEGIN
  CREATE UNIQUE INDEX IF NOT EXISTS "_User_unique_lower_email" ON "_User" (lower("email"));
EXCEPTION WHEN unique_violation THEN
  RAISE NOTICE 'emails differing only in case exist: case-insensitive unique index not created';
END
$$;
CREATE INDEX IF NOT EXISTS "_User_authData_gin" ON "_User" USING GIN ("authData" jsonb_path_ops);

-- The roles version, bumped by any change to roles or their memberships, so that every
-- instance drops its cached role sets (polled like the catalog version).
CREATE TABLE IF NOT EXISTS "_PlinthRoleVersion" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "_PlinthRoleVersion_pkey" PRIMARY KEY ("id")
);
INSERT INTO "_PlinthRoleVersion" ("id", "version") VALUES (1, 1) ON CONFLICT ("id") DO NOTHING;

CREATE OR REPLACE FUNCTION plinth_bump_role_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "_PlinthRoleVersion" SET "version" = "version" + 1, "changedAt" = CURRENT_TIMESTAMP WHERE "id" = 1;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER plinth_roles_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "_Role"
  FOR EACH STATEMENT EXECUTE FUNCTION plinth_bump_role_version();
CREATE OR REPLACE TRIGGER plinth_role_users_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "_Join:users:_Role"
  FOR EACH STATEMENT EXECUTE FUNCTION plinth_bump_role_version();
CREATE OR REPLACE TRIGGER plinth_role_roles_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "_Join:roles:_Role"
  FOR EACH STATEMENT EXECUTE FUNCTION plinth_bump_role_version();
