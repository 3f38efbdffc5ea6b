/**
 * The statements over the dashboard's catalog tables (prisma/migrations/20270101000000_dashboard).
 * Times come back as ISO text and jsonb as JSON text (see db/database.ts).
 */

/** An admin as AdminUser reads it (rows.ts), without secrets. */
const USER = `a."id", a."email", a."role", a."scope", a."disabled", a."totp_secret" IS NOT NULL AS "totpEnabled",
  a."created_at" AS "createdAt", a."last_login_at" AS "lastLoginAt"`;

export const COUNT_ADMINS = `SELECT count(*)::int AS "n" FROM "_PlinthAdmin"`;

export const INSERT_ADMIN = `INSERT INTO "_PlinthAdmin" AS a ("id", "email", "password_hash", "role", "scope")
  VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING ${USER}`;

export const LIST_ADMINS = `SELECT ${USER} FROM "_PlinthAdmin" AS a ORDER BY a."created_at", a."id"`;

export const GET_ADMIN = `SELECT ${USER} FROM "_PlinthAdmin" AS a WHERE a."id" = $1`;

/** The login lookup: the user and the secrets the login checks. */
export const ADMIN_FOR_LOGIN = `SELECT ${USER}, a."password_hash" AS "passwordHash", a."totp_secret" AS "totpSecret",
  a."totp_used_step"::text AS "totpUsedStep" FROM "_PlinthAdmin" AS a WHERE a."email" = $1`;

/** Sets the given columns; NULL parameters keep the old value (scope: `$6` says whether to set it, as it may become NULL). */
export const UPDATE_ADMIN = `UPDATE "_PlinthAdmin" AS a SET
    "role" = COALESCE($2, a."role"),
    "disabled" = COALESCE($3, a."disabled"),
    "password_hash" = COALESCE($4, a."password_hash"),
    "scope" = CASE WHEN $6::boolean THEN $5::jsonb ELSE a."scope" END
  WHERE a."id" = $1 RETURNING ${USER}`;

export const DELETE_ADMIN = `DELETE FROM "_PlinthAdmin" WHERE "id" = $1`;

export const SET_PASSWORD_HASH = `UPDATE "_PlinthAdmin" SET "password_hash" = $2 WHERE "id" = $1`;

export const TOUCH_LOGIN = `UPDATE "_PlinthAdmin" SET "last_login_at" = now() WHERE "id" = $1`;

/** TOTP: the pending secret (enrolment), the confirmed one, and the last time step used (no replay). */
export const TOTP_STATE = `SELECT "totp_secret" AS "secret", "totp_pending" AS "pending", "totp_used_step"::text AS "usedStep" FROM "_PlinthAdmin" WHERE "id" = $1`;
export const SET_TOTP_PENDING = `UPDATE "_PlinthAdmin" SET "totp_pending" = $2 WHERE "id" = $1 AND "totp_secret" IS NULL`;
export const CONFIRM_TOTP = `UPDATE "_PlinthAdmin" SET "totp_secret" = "totp_pending", "totp_pending" = NULL, "totp_used_step" = $2::bigint
  WHERE "id" = $1 AND "totp_pending" = $3`;
export const DISABLE_TOTP = `UPDATE "_PlinthAdmin" SET "totp_secret" = NULL, "totp_pending" = NULL, "totp_used_step" = NULL WHERE "id" = $1`;
/** Spends a time step: only if it is later than the last one used (two logins with one code: the second fails). */
export const USE_TOTP_STEP = `UPDATE "_PlinthAdmin" SET "totp_used_step" = $2::bigint
  WHERE "id" = $1 AND ("totp_used_step" IS NULL OR "totp_used_step" < $2::bigint)`;

export const INSERT_SESSION = `INSERT INTO "_PlinthAdminSession" ("id", "csrf_token", "admin_id", "expires_at") VALUES ($1, $2, $3, $4::timestamptz)`;

/** A session with its admin, by the token's hash. */
export const SESSION_WITH_ADMIN = `SELECT ${USER}, s."id" AS "sessionId", s."csrf_token" AS "csrfToken", s."browsing_as" AS "browsingAs",
  s."expires_at" AS "expiresAt"
  FROM "_PlinthAdminSession" AS s JOIN "_PlinthAdmin" AS a ON a."id" = s."admin_id" WHERE s."id" = $1`;

export const RENEW_SESSION = `UPDATE "_PlinthAdminSession" SET "expires_at" = $2::timestamptz WHERE "id" = $1`;

export const DELETE_SESSION = `DELETE FROM "_PlinthAdminSession" WHERE "id" = $1 RETURNING "id"`;

/** Every session of an admin, but one (`$2`, may be NULL). */
export const DELETE_ADMIN_SESSIONS = `DELETE FROM "_PlinthAdminSession" WHERE "admin_id" = $1 AND "id" IS DISTINCT FROM $2 RETURNING "id"`;

export const SET_BROWSING_AS = `UPDATE "_PlinthAdminSession" SET "browsing_as" = $2 WHERE "id" = $1`;

export const INSERT_SETUP = `INSERT INTO "_PlinthAdminSetup" ("id", "expires_at") VALUES ($1, $2::timestamptz)`;
export const DELETE_EXPIRED_SETUP = `DELETE FROM "_PlinthAdminSetup" WHERE "expires_at" <= now()`;
export const SETUP_VALID = `SELECT 1 AS "ok" FROM "_PlinthAdminSetup" WHERE "id" = $1 AND "expires_at" > now()`;
export const DELETE_ALL_SETUP = `DELETE FROM "_PlinthAdminSetup"`;

/** Serialises first-run setups across instances (any constant, distinct from the migrator's). */
export const LOCK_SETUP = `SELECT pg_advisory_xact_lock(7369826462::bigint)`;

/** Enabled owners other than `$1`: the last one may not be demoted, disabled or deleted. */
export const OTHER_OWNERS = `SELECT count(*)::int AS "n" FROM "_PlinthAdmin" WHERE "role" = 'OWNER' AND NOT "disabled" AND "id" <> $1`;
