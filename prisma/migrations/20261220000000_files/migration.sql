-- File contents in PostgreSQL itself (PLINTH_FILES_ADAPTER=postgres): instances share files with
-- no S3. A file is one "_PlinthStorageFile" row, inserted by the statement that completes its
-- upload; until then its content is chunk rows under an "_PlinthStorageUpload" row, which a
-- sweep removes (with the chunks) once the upload has written nothing for long enough.

CREATE TABLE IF NOT EXISTS "_PlinthStorageFile" (
    -- "C": listings in UTF-8 byte order (as S3 lists keys), and prefix LIKE can use the key.
    "name" TEXT COLLATE "C" NOT NULL,
    "contentId" UUID NOT NULL,
    "size" BIGINT NOT NULL,
    "chunkBytes" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "_PlinthStorageFile_pkey" PRIMARY KEY ("name")
);
CREATE UNIQUE INDEX IF NOT EXISTS "_PlinthStorageFile_contentId_key" ON "_PlinthStorageFile" ("contentId");

CREATE TABLE IF NOT EXISTS "_PlinthStorageUpload" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "touchedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "_PlinthStorageUpload_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "_PlinthStorageUpload_touchedAt" ON "_PlinthStorageUpload" ("touchedAt");

CREATE TABLE IF NOT EXISTS "_PlinthStorageChunk" (
    "contentId" UUID NOT NULL,
    "n" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "_PlinthStorageChunk_pkey" PRIMARY KEY ("contentId", "n")
);
-- Out of line and uncompressed: uploads are mostly compressed already, and a substring of an
-- EXTERNAL value reads only the TOAST pieces it covers (range requests).
ALTER TABLE "_PlinthStorageChunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;
