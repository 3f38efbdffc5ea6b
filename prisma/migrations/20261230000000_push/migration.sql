-- Push notifications. "_Installation" (devices) and "_PushStatus" (one row per push) in Parse
-- Server's layout, so that a database Parse created keeps working; both are classes of the
-- catalog. "_Installation"'s access is Parse's whatever its CLP says (push/installations):
-- clients create and update installations without a session but never list or delete them.
-- "_PushStatus" is readable and writable with the master key only.

CREATE TABLE IF NOT EXISTS "_Installation" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "installationId" TEXT,
    "deviceToken" TEXT,
    "channels" JSONB,
    "deviceType" TEXT,
    "pushType" TEXT,
    "GCMSenderId" TEXT,
    "timeZone" TEXT,
    "localeIdentifier" TEXT,
    "badge" DOUBLE PRECISION,
    "appVersion" TEXT,
    "appName" TEXT,
    "appIdentifier" TEXT,
    "parseVersion" TEXT,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_Installation_pkey" PRIMARY KEY ("objectId")
);
-- The pointer apps set to target users (Parse adds it on first use; a Parse database may have it).
ALTER TABLE "_Installation" ADD COLUMN IF NOT EXISTS "user" TEXT;
-- installationId is unique whatever its case (Parse lowercases it on write; older rows may not be).
CREATE UNIQUE INDEX IF NOT EXISTS "_Installation_unique_lower_installationId" ON "_Installation" (lower("installationId"));
CREATE INDEX IF NOT EXISTS "_Installation_deviceToken" ON "_Installation" ("deviceToken");
CREATE INDEX IF NOT EXISTS "_Installation_user" ON "_Installation" ("user");
CREATE INDEX IF NOT EXISTS "_Installation_channels_gin" ON "_Installation" USING GIN ("channels" jsonb_path_ops);

CREATE TABLE IF NOT EXISTS "_PushStatus" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "pushTime" TEXT,
    "source" TEXT,
    "query" TEXT,
    "payload" TEXT,
    "title" TEXT,
    "expiry" DOUBLE PRECISION,
    "expiration_interval" DOUBLE PRECISION,
    "status" TEXT,
    "numSent" DOUBLE PRECISION,
    "numFailed" DOUBLE PRECISION,
    "pushHash" TEXT,
    "errorMessage" JSONB,
    "sentPerType" JSONB,
    "failedPerType" JSONB,
    "sentPerUTCOffset" JSONB,
    "failedPerUTCOffset" JSONB,
    "count" DOUBLE PRECISION,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_PushStatus_pkey" PRIMARY KEY ("objectId")
);

INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES
  ('_Installation', '{"className":"_Installation","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"installationId":{"type":"String"},"deviceToken":{"type":"String"},"channels":{"type":"Array"},"deviceType":{"type":"String"},"pushType":{"type":"String"},"GCMSenderId":{"type":"String"},"timeZone":{"type":"String"},"localeIdentifier":{"type":"String"},"badge":{"type":"Number"},"appVersion":{"type":"String"},"appName":{"type":"String"},"appIdentifier":{"type":"String"},"parseVersion":{"type":"String"},"user":{"type":"Pointer","targetClass":"_User"}},"classLevelPermissions":{"find":{"*":true},"count":{"*":true},"get":{"*":true},"create":{"*":true},"update":{"*":true},"delete":{"*":true},"addField":{"*":true},"protectedFields":{"*":[]}}}', true),
  ('_PushStatus', '{"className":"_PushStatus","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"pushTime":{"type":"String"},"source":{"type":"String"},"query":{"type":"String"},"payload":{"type":"String"},"title":{"type":"String"},"expiry":{"type":"Number"},"expiration_interval":{"type":"Number"},"status":{"type":"String"},"numSent":{"type":"Number"},"numFailed":{"type":"Number"},"pushHash":{"type":"String"},"errorMessage":{"type":"Object"},"sentPerType":{"type":"Object"},"failedPerType":{"type":"Object"},"sentPerUTCOffset":{"type":"Object"},"failedPerUTCOffset":{"type":"Object"},"count":{"type":"Number"}},"classLevelPermissions":{"find":{},"count":{},"get":{},"create":{},"update":{},"delete":{},"addField":{},"protectedFields":{}}}', true)
ON CONFLICT ("className") DO NOTHING;

-- Delivery bookkeeping (Plinth's own). A push's plan: how far the installations matching it have
-- been read (keyset, by objectId). Each page read writes its batches, the cursor and their send
-- jobs in one transaction, so a restart resumes the plan where it stopped and never plans a
-- device twice. "_PushStatus"."count" holds the batches not yet finished, as in Parse.
CREATE TABLE IF NOT EXISTS "_PlinthPush" (
    "pushId" TEXT NOT NULL,
    "cursor" TEXT,
    "planned" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "_PlinthPush_pkey" PRIMARY KEY ("pushId")
);

-- One batch: the devices of one provider to notify at one time. "devices" is filled, and badges
-- changed, once (with the first attempt); "done" counts the devices already sent and recorded,
-- so a batch taken over after a crash goes on after them; "retry" collects the devices to try
-- again (throttled, provider errors), which become the next attempt's batch.
CREATE TABLE IF NOT EXISTS "_PlinthPushBatch" (
    "batchId" TEXT NOT NULL,
    "pushId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "offsetMinutes" INTEGER,
    "sendAt" TIMESTAMPTZ NOT NULL,
    "expiresAt" TIMESTAMPTZ,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "installationIds" TEXT[] NOT NULL,
    "devices" JSONB,
    "done" INTEGER NOT NULL DEFAULT 0,
    "retry" JSONB NOT NULL DEFAULT '[]',
    "retryAfterMs" INTEGER NOT NULL DEFAULT 0,
    "finished" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "_PlinthPushBatch_pkey" PRIMARY KEY ("batchId")
);
CREATE INDEX IF NOT EXISTS "_PlinthPushBatch_pushId" ON "_PlinthPushBatch" ("pushId");

-- Adds per-key counters ({"ios": 3} + {"ios": 1, "web": 2} = {"ios": 4, "web": 2}): the
-- per-type and per-offset counts of "_PushStatus", updated by each batch in one statement.
CREATE OR REPLACE FUNCTION plinth_jsonb_add(a JSONB, b JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(jsonb_object_agg("k", "v"), '{}'::jsonb)
  FROM (
    SELECT "k", SUM("v"::numeric) AS "v"
    FROM (
      SELECT "key" AS "k", "value" AS "v" FROM jsonb_each_text(COALESCE(a, '{}'::jsonb))
      UNION ALL
      SELECT "key", "value" FROM jsonb_each_text(COALESCE(b, '{}'::jsonb))
    ) AS "both"
    GROUP BY "k"
  ) AS "sums"
$$;
