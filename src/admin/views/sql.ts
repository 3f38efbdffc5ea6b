/* The statements of saved grid views ("_PlinthView", prisma/migrations/20270101000000_dashboard). */

export const LIST_VIEWS = `SELECT "id", "class_name" AS "className", "name", "state" FROM "_PlinthView" WHERE "admin_id" = $1 AND "class_name" = $2 ORDER BY "name"`;

/** One view per admin, class and name: saving under a name again replaces its state. */
export const SAVE_VIEW = `INSERT INTO "_PlinthView" ("id", "admin_id", "class_name", "name", "state") VALUES ($1, $2, $3, $4, $5::jsonb)
ON CONFLICT ("admin_id", "class_name", "name") DO UPDATE SET "state" = EXCLUDED."state"
RETURNING "id", "class_name" AS "className", "name", "state"`;

export const DELETE_VIEW = `DELETE FROM "_PlinthView" WHERE "id" = $1 AND "admin_id" = $2`;
