/**
 * The statements over the audit trail (`_PlinthAudit`, prisma/migrations/20270101000000_dashboard).
 * jsonb is written from JSON text; ids come back as text (bigserial), times as ISO text.
 */

/** One entry; its values are placeholders (`$n`), before and after JSON text (or NULL). */
export function insertEntry(actor: string, action: string, className: string, objectId: string, before: string, after: string): string {
  return `INSERT INTO "_PlinthAudit" ("actor", "action", "class_name", "object_id", "before", "after")
  VALUES (${actor}, ${action}, ${className}, ${objectId}, ${before}::jsonb, ${after}::jsonb)`;
}

export const INSERT_ENTRY = insertEntry('$1', '$2', '$3', '$4', '$5', '$6');

/**
 * Newest first by id (keyset: `$3` is the last id of the page before), optionally one class or
 * one object. Ordered by the bigint column (`a."id"`), not the text it is returned as.
 */
export const LIST_ENTRIES = `SELECT a."id"::text AS "id", a."at", a."actor", a."action", a."class_name" AS "className", a."object_id" AS "objectId", a."before", a."after"
  FROM "_PlinthAudit" a
  WHERE ($1::text IS NULL OR a."class_name" = $1) AND ($2::text IS NULL OR a."object_id" = $2) AND ($3::bigint IS NULL OR a."id" < $3::bigint)
  ORDER BY a."id" DESC LIMIT $4`;

/** Retention: entries older than `$1` days. */
export const DELETE_OLDER_THAN = `DELETE FROM "_PlinthAudit" WHERE "at" < now() - make_interval(days => $1::int)`;
