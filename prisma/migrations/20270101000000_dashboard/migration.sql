-- The dashboard's own tables (Plinth's, not Parse's): its users, their sessions, the one-time
-- setup token of the first run, the audit trail and saved grid views.

-- Dashboard users. "email" is stored lower-cased (one account per address whatever its case);
-- "password_hash" is argon2id; "totp_secret" is set once a code has confirmed enrolment, and
-- "totp_pending" holds a secret generated but not yet confirmed; "totp_used_step" is the last
-- 30-second step whose code was accepted (a code works once). "scope" (SCOPED admins):
-- {"classes": [{"className", "fields"?, "write"}], "features": [...]}.
CREATE TABLE IF NOT EXISTS "_PlinthAdmin" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "scope" JSONB,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "totp_secret" TEXT,
    "totp_pending" TEXT,
    "totp_used_step" BIGINT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "last_login_at" TIMESTAMPTZ,
    CONSTRAINT "_PlinthAdmin_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "_PlinthAdmin_role" CHECK ("role" IN ('OWNER', 'ADMIN', 'READ_ONLY', 'SCOPED'))
);
CREATE UNIQUE INDEX IF NOT EXISTS "_PlinthAdmin_email" ON "_PlinthAdmin" ("email");

-- Dashboard sessions in Lucia's design: "id" is the SHA-256 (hex) of the cookie's token, never
-- the token. "csrf_token" is echoed by the page in X-Plinth-CSRF; "browsing_as" is the _User
-- the admin is browsing as. Deleting the admin deletes its sessions.
CREATE TABLE IF NOT EXISTS "_PlinthAdminSession" (
    "id" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "admin_id" TEXT NOT NULL,
    "browsing_as" TEXT,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT "_PlinthAdminSession_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "_PlinthAdminSession_admin" FOREIGN KEY ("admin_id") REFERENCES "_PlinthAdmin" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "_PlinthAdminSession_admin_id" ON "_PlinthAdminSession" ("admin_id");

-- The first run's setup token (its SHA-256): while no admin exists, whoever holds the printed
-- link creates the first owner; the row is deleted when it is spent.
CREATE TABLE IF NOT EXISTS "_PlinthAdminSetup" (
    "id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "_PlinthAdminSetup_pkey" PRIMARY KEY ("id")
);

-- The audit trail: every write made through the dashboard or with the master key.
CREATE TABLE IF NOT EXISTS "_PlinthAudit" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "class_name" TEXT,
    "object_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    CONSTRAINT "_PlinthAudit_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "_PlinthAudit_at" ON "_PlinthAudit" ("at");
CREATE INDEX IF NOT EXISTS "_PlinthAudit_object" ON "_PlinthAudit" ("class_name", "object_id");

-- Saved grid views, per dashboard user and class.
CREATE TABLE IF NOT EXISTS "_PlinthView" (
    "id" TEXT NOT NULL,
    "admin_id" TEXT NOT NULL,
    "class_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    CONSTRAINT "_PlinthView_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "_PlinthView_admin" FOREIGN KEY ("admin_id") REFERENCES "_PlinthAdmin" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "_PlinthView_admin_class_name" ON "_PlinthView" ("admin_id", "class_name", "name");
