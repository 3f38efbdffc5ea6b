-- A database Parse Server created already has "_Hooks" and "_Session" in Parse's own shape, so
-- the CREATE TABLE IF NOT EXISTS of earlier migrations kept that shape. Parse's "_Hooks" has
-- only "functionName", "className", "triggerName" and "url"; its "_Session" has no "restricted".
-- Add the columns Plinth reads and writes (Parse Server ignores columns it does not know), and
-- give the hooks Parse registered an objectId, which the hooks API uses as their key.
ALTER TABLE "_Hooks" ADD COLUMN IF NOT EXISTS "objectId" TEXT;
ALTER TABLE "_Hooks" ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMPTZ;
ALTER TABLE "_Hooks" ADD COLUMN IF NOT EXISTS "updatedAt" TIMESTAMPTZ;
ALTER TABLE "_Hooks" ADD COLUMN IF NOT EXISTS "_rperm" TEXT[];
ALTER TABLE "_Hooks" ADD COLUMN IF NOT EXISTS "_wperm" TEXT[];
UPDATE "_Hooks" SET "objectId" = substr(md5(random()::text || clock_timestamp()::text), 1, 10) WHERE "objectId" IS NULL;
ALTER TABLE "_Session" ADD COLUMN IF NOT EXISTS "restricted" BOOLEAN;
