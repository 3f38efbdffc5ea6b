-- Webhooks (Parse's Hooks API). "_Hooks" is Parse Server's own table for them — a function hook
-- ("functionName", "url") or a trigger hook ("className", "triggerName", "url") per row — so a
-- database Parse created keeps its hooks, and Parse can read what Plinth registers. Like
-- "_Session" it is not served as a class: hooks are read and written through the hooks API,
-- with the master key only.
CREATE TABLE IF NOT EXISTS "_Hooks" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "functionName" TEXT,
    "className" TEXT,
    "triggerName" TEXT,
    "url" TEXT,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_Hooks_pkey" PRIMARY KEY ("objectId")
);

-- One hook per function name and per (class, trigger), as Parse keeps them. A database that
-- Parse Server filled could hold duplicates; then the index is left out and the API's own
-- check (before each insert) remains.
DO $$
BEGIN
  CREATE UNIQUE INDEX IF NOT EXISTS "_Hooks_unique_functionName" ON "_Hooks" ("functionName") WHERE "functionName" IS NOT NULL;
EXCEPTION WHEN unique_violation THEN
  RAISE NOTICE 'duplicate function hooks exist: unique index not created';
END
$$;
DO $$
BEGIN
  CREATE UNIQUE INDEX IF NOT EXISTS "_Hooks_unique_trigger" ON "_Hooks" ("className", "triggerName") WHERE "className" IS NOT NULL AND "triggerName" IS NOT NULL;
EXCEPTION WHEN unique_violation THEN
  RAISE NOTICE 'duplicate trigger hooks exist: unique index not created';
END
$$;

-- The hooks' version, bumped by any change to "_Hooks" (also one made by Parse Server), so that
-- every instance rebuilds its cloud registry within a poll of this one row.
CREATE TABLE IF NOT EXISTS "_PlinthHookVersion" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "_PlinthHookVersion_pkey" PRIMARY KEY ("id")
);
INSERT INTO "_PlinthHookVersion" ("id", "version") VALUES (1, 1) ON CONFLICT ("id") DO NOTHING;

CREATE OR REPLACE FUNCTION plinth_bump_hook_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "_PlinthHookVersion" SET "version" = "version" + 1, "changedAt" = CURRENT_TIMESTAMP WHERE "id" = 1;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER plinth_hooks_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "_Hooks"
  FOR EACH STATEMENT EXECUTE FUNCTION plinth_bump_hook_version();

-- After-trigger deliveries that failed for good (attempts exhausted, or refused by the
-- receiver): kept so that they can be listed (`webhookFailures`) and acted upon. The delivery
-- itself is a job of the shared job engine (pg-boss, queue "plinth-webhooks").
CREATE TABLE IF NOT EXISTS "_PlinthWebhookFailure" (
    "id" TEXT NOT NULL,
    "failedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "className" TEXT NOT NULL,
    "triggerName" TEXT NOT NULL,
    "objectId" TEXT,
    "url" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "error" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    CONSTRAINT "_PlinthWebhookFailure_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "_PlinthWebhookFailure_failedAt" ON "_PlinthWebhookFailure" ("failedAt" DESC);
