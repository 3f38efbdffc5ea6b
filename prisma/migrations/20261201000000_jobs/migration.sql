-- Cloud jobs. "_JobStatus" (one row per run) and "_JobSchedule" (schedules set at run time) in
-- Parse Server's layout, so that a database Parse created keeps working; both are classes of the
-- catalog, readable and writable with the master key only. The job engine (pg-boss) keeps its
-- queue in its own schema "pgboss", created and upgraded by pg-boss itself at start-up.

CREATE TABLE IF NOT EXISTS "_JobStatus" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "jobName" TEXT,
    "source" TEXT,
    "status" TEXT,
    "message" TEXT,
    "params" JSONB,
    "finishedAt" TIMESTAMPTZ,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_JobStatus_pkey" PRIMARY KEY ("objectId")
);
-- Plinth's own status field: when the current attempt started running.
ALTER TABLE "_JobStatus" ADD COLUMN IF NOT EXISTS "startedAt" TIMESTAMPTZ;
-- The last runs of a job (the registry view, `describe`).
CREATE INDEX IF NOT EXISTS "_JobStatus_jobName_createdAt" ON "_JobStatus" ("jobName", "createdAt" DESC);

CREATE TABLE IF NOT EXISTS "_JobSchedule" (
    "objectId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ,
    "updatedAt" TIMESTAMPTZ,
    "jobName" TEXT,
    "description" TEXT,
    "params" TEXT,
    "startAfter" TEXT,
    "daysOfWeek" JSONB,
    "timeOfDay" TEXT,
    "lastRun" DOUBLE PRECISION,
    "repeatMinutes" DOUBLE PRECISION,
    "_rperm" TEXT[],
    "_wperm" TEXT[],
    CONSTRAINT "_JobSchedule_pkey" PRIMARY KEY ("objectId")
);
-- Plinth's own schedule fields: a cron expression (seconds allowed) and its IANA time zone.
ALTER TABLE "_JobSchedule" ADD COLUMN IF NOT EXISTS "cron" TEXT;
ALTER TABLE "_JobSchedule" ADD COLUMN IF NOT EXISTS "timeZone" TEXT;

INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES
  ('_JobStatus', '{"className":"_JobStatus","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"jobName":{"type":"String"},"source":{"type":"String"},"status":{"type":"String"},"message":{"type":"String"},"params":{"type":"Object"},"finishedAt":{"type":"Date"},"startedAt":{"type":"Date"}},"classLevelPermissions":{"find":{},"count":{},"get":{},"create":{},"update":{},"delete":{},"addField":{},"protectedFields":{}}}', true),
  ('_JobSchedule', '{"className":"_JobSchedule","fields":{"objectId":{"type":"String"},"createdAt":{"type":"Date"},"updatedAt":{"type":"Date"},"_rperm":{"type":"Array","contents":{"type":"String"}},"_wperm":{"type":"Array","contents":{"type":"String"}},"jobName":{"type":"String"},"description":{"type":"String"},"params":{"type":"String"},"startAfter":{"type":"String"},"daysOfWeek":{"type":"Array"},"timeOfDay":{"type":"String"},"lastRun":{"type":"Number"},"repeatMinutes":{"type":"Number"},"cron":{"type":"String"},"timeZone":{"type":"String"}},"classLevelPermissions":{"find":{},"count":{},"get":{},"create":{},"update":{},"delete":{},"addField":{},"protectedFields":{}}}', true)
ON CONFLICT ("className") DO NOTHING;

-- A schedule's tick is claimed by inserting it here: the primary key lets exactly one instance
-- win it, and that instance enqueues the run in the same transaction.
CREATE TABLE IF NOT EXISTS "_PlinthJobTick" (
    "schedule" TEXT NOT NULL,
    "tick" TIMESTAMPTZ NOT NULL,
    "jobStatusId" TEXT,
    CONSTRAINT "_PlinthJobTick_pkey" PRIMARY KEY ("schedule", "tick")
);
CREATE INDEX IF NOT EXISTS "_PlinthJobTick_tick" ON "_PlinthJobTick" ("tick");

-- Which instance runs which queued job now. A lease whose instance is gone (its advisory lock
-- is free) is failed — or retried — by the survivors, instead of waiting for the job's expiry.
CREATE TABLE IF NOT EXISTS "_PlinthJobLease" (
    "queue" TEXT NOT NULL,
    "jobId" UUID NOT NULL,
    "instanceId" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "_PlinthJobLease_pkey" PRIMARY KEY ("queue", "jobId")
);
CREATE INDEX IF NOT EXISTS "_PlinthJobLease_instanceId" ON "_PlinthJobLease" ("instanceId");
