/*
 * The PostgreSQL store's statements (tables in prisma/migrations/…_files). A file is a row of
 * "_PlinthStorageFile", inserted last; its content is rows of "_PlinthStorageChunk" (bytea of at
 * most `chunkBytes`, stored uncompressed out of line so that a substring reads only its part),
 * written as they arrive under an "_PlinthStorageUpload" row that marks the put as in progress.
 */

const FILE = '"_PlinthStorageFile"';
const UPLOAD = '"_PlinthStorageUpload"';
const CHUNK = '"_PlinthStorageChunk"';

/** $1 content id, $2 name: a put begins. */
export const BEGIN_UPLOAD = `INSERT INTO ${UPLOAD} ("id", "name") VALUES ($1::uuid, $2)`;

/**
 * $1 content id, $2 chunk number, $3 bytes: stored only while the upload is in progress, and it
 * stays in progress (touched; its row locked until this commits, so a sweep waits and looks again).
 * No row back: the upload was swept.
 */
export const ADD_CHUNK = `WITH "upload" AS (UPDATE ${UPLOAD} SET "touchedAt" = now() WHERE "id" = $1::uuid RETURNING "id")
  INSERT INTO ${CHUNK} ("contentId", "n", "data") SELECT "id", $2::int, $3::bytea FROM "upload"
  RETURNING "n"`;

/**
 * The one statement that makes a file visible: the upload row goes and the file row comes in
 * together. No row back: the upload was swept. A unique violation: the name is taken.
 * $1 content id, $2 name, $3 size, $4 chunk bytes, $5 content type, $6 etag, $7 metadata (JSON).
 */
export const COMPLETE_UPLOAD = `WITH "upload" AS (DELETE FROM ${UPLOAD} WHERE "id" = $1::uuid RETURNING "id")
  INSERT INTO ${FILE} ("name", "contentId", "size", "chunkBytes", "contentType", "etag", "metadata")
  SELECT $2, "id", $3::bigint, $4::int, $5, $6, $7::jsonb FROM "upload"
  RETURNING "createdAt"`;

/** $1 content id: what a failed put stored goes. */
export const DISCARD_UPLOAD = `WITH "upload" AS (DELETE FROM ${UPLOAD} WHERE "id" = $1::uuid)
  DELETE FROM ${CHUNK} WHERE "contentId" = $1::uuid`;

const COLUMNS = `"name", "contentId", "size", "chunkBytes", "contentType", "etag", "metadata", "createdAt"`;

/** $1 name. */
export const STAT = `SELECT ${COLUMNS} FROM ${FILE} WHERE "name" = $1`;

/** $1 names after this one ('' for all), $2 LIKE pattern of the prefix, $3 page size + 1. */
export const LIST = `SELECT ${COLUMNS} FROM ${FILE} WHERE "name" > $1 AND "name" LIKE $2 ESCAPE '\\' ORDER BY "name" LIMIT $3::int`;

/** $1 content id, $2 chunk number, $3 first byte (1-based), $4 length. */
export const READ_CHUNK = `SELECT substring("data" from $3::int for $4::int) AS "data" FROM ${CHUNK} WHERE "contentId" = $1::uuid AND "n" = $2::int`;

/** $1 name: the file row and its chunks go in one statement; one row back when there was a file. */
export const DELETE_FILE = `WITH "file" AS (DELETE FROM ${FILE} WHERE "name" = $1 RETURNING "contentId"),
  "chunks" AS (DELETE FROM ${CHUNK} WHERE "contentId" IN (SELECT "contentId" FROM "file"))
  SELECT count(*)::int AS "deleted" FROM "file"`;

/** $1 milliseconds: uploads that have not written for longer than this, and their chunks, go. */
export const SWEEP = `WITH "old" AS (DELETE FROM ${UPLOAD} WHERE "touchedAt" <= now() - make_interval(secs => $1::float8 / 1000) RETURNING "id"),
  "chunks" AS (DELETE FROM ${CHUNK} WHERE "contentId" IN (SELECT "id" FROM "old"))
  SELECT count(*)::int AS "removed" FROM "old"`;

/** A LIKE pattern matching names that start with `prefix`. */
export function prefixPattern(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}
