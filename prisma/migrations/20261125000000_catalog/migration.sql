-- The catalog in Parse Server's own layout, so that Plinth can serve a database Parse created
-- (and Parse can read what Plinth writes). Every statement tolerates objects that Parse Server
-- already made.

CREATE TABLE IF NOT EXISTS "_SCHEMA" (
    "className" VARCHAR(120) NOT NULL,
    "schema" JSONB,
    "isParseClass" BOOLEAN,
    CONSTRAINT "_SCHEMA_pkey" PRIMARY KEY ("className")
);

CREATE TABLE IF NOT EXISTS "_GlobalConfig" (
    "objectId" TEXT NOT NULL,
    "params" JSONB,
    "masterKeyOnly" JSONB,
    CONSTRAINT "_GlobalConfig_pkey" PRIMARY KEY ("objectId")
);

-- The catalog version, bumped by any statement that changes "_SCHEMA" (ours or Parse Server's),
-- so every instance notices a class change by polling one row.
CREATE TABLE IF NOT EXISTS "_PlinthSchemaVersion" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "_PlinthSchemaVersion_pkey" PRIMARY KEY ("id")
);
INSERT INTO "_PlinthSchemaVersion" ("id", "version") VALUES (1, 1) ON CONFLICT ("id") DO NOTHING;

CREATE OR REPLACE FUNCTION plinth_bump_schema_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "_PlinthSchemaVersion" SET "version" = "version" + 1, "changedAt" = CURRENT_TIMESTAMP WHERE "id" = 1;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER plinth_schema_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "_SCHEMA"
  FOR EACH STATEMENT EXECUTE FUNCTION plinth_bump_schema_version();

-- Built-in classes: _User and _Role with Parse's columns, and the role relations.
CREATE TABLE IF NOT EXISTS "_User" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "username" TEXT,
    "email" TEXT,
    "emailVerified" BOOLEAN,
    "authData" JSONB,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    "_hashed_password" TEXT,
    "_email_verify_token_expires_at" TIMESTAMPTZ,
    "_email_verify_token" TEXT,
    "_account_lockout_expires_at" TIMESTAMPTZ,
    "_failed_login_count" DOUBLE PRECISION,
    "_perishable_token" TEXT,
    "_perishable_token_expires_at" TIMESTAMPTZ,
    "_password_changed_at" TIMESTAMPTZ,
    "_password_history" JSONB,
    CONSTRAINT "_User_pkey" PRIMARY KEY ("objectId")
);
CREATE UNIQUE INDEX IF NOT EXISTS "_User_unique_username" ON "_User" ("username");
CREATE UNIQUE INDEX IF NOT EXISTS "_User_unique_email" ON "_User" ("email");
CREATE INDEX IF NOT EXISTS "case_insensitive_username" ON "_User" (lower("username") varchar_pattern_ops);
CREATE INDEX IF NOT EXISTS "case_insensitive_email" ON "_User" (lower("email") varchar_pattern_ops);
CREATE INDEX IF NOT EXISTS "_User_rperm_gin" ON "_User" USING GIN ("_rperm");

CREATE TABLE IF NOT EXISTS "_Role" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "name" TEXT,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_Role_pkey" PRIMARY KEY ("objectId")
);
CREATE UNIQUE INDEX IF NOT EXISTS "_Role_unique_name" ON "_Role" ("name");
CREATE INDEX IF NOT EXISTS "_Role_rperm_gin" ON "_Role" USING GIN ("_rperm");

CREATE TABLE IF NOT EXISTS "_Join:users:_Role" (
    "relatedId" VARCHAR(120) NOT NULL,
    "owningId" VARCHAR(120) NOT NULL,
    CONSTRAINT "_Join:users:_Role_pkey" PRIMARY KEY ("relatedId", "owningId")
);
CREATE INDEX IF NOT EXISTS "_Join:users:_Role_owning" ON "_Join:users:_Role" ("owningId");
CREATE TABLE IF NOT EXISTS "_Join:roles:_Role" (
    "relatedId" VARCHAR(120) NOT NULL,
    "owningId" VARCHAR(120) NOT NULL,
    CONSTRAINT "_Join:roles:_Role_pkey" PRIMARY KEY ("relatedId", "owningId")
);
CREATE INDEX IF NOT EXISTS "_Join:roles:_Role_owning" ON "_Join:roles:_Role" ("owningId");

INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES
  ('_User', '{"className":"_User","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"username":{"type":"String"},"email":{"type":"String"},"emailVerified":{"type":"Boolean"},"authData":{"type":"Object"},"_hashed_password":{"type":"String"}}}', true),
  ('_Role', '{"className":"_Role","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"name":{"type":"String"},"users":{"type":"Relation","targetClass":"_User"},"roles":{"type":"Relation","targetClass":"_Role"}}}', true)
ON CONFLICT ("className") DO NOTHING;
