/*
 * The job engine's own bookkeeping beside pg-boss: which instance runs which job now
 * ("_PlinthJobLease", prisma/migrations/20261201000000_jobs). pg-boss's statements are its own.
 */

/** Leases for the jobs just claimed: $1 queue, $2 job ids, $3 this instance. */
export const INSERT_LEASES = `INSERT INTO "_PlinthJobLease" ("queue", "jobId", "instanceId") SELECT $1, unnest($2::uuid[]), $3`;

/** Gives a lease up; no row means another party (a sweep, the shutdown) already settled the job. */
export const RELEASE_LEASE = `DELETE FROM "_PlinthJobLease" WHERE "queue" = $1 AND "jobId" = $2::uuid AND "instanceId" = $3 RETURNING 1 AS "held"`;

/** Instances other than $1 that hold leases: the candidates of a sweep. */
export const OTHER_HOLDERS = `SELECT DISTINCT "instanceId" FROM "_PlinthJobLease" WHERE "instanceId" <> $1`;

/** Takes every lease of a dead instance ($1). */
export const TAKE_LEASES = `DELETE FROM "_PlinthJobLease" WHERE "instanceId" = $1 RETURNING "queue", "jobId"::text AS "jobId"`;
