-- unaccent powers diacritic-insensitive full-text search. It is a trusted contrib extension,
-- but a server may lack it: then such searches report a clear error instead of failing here.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS unaccent;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'unaccent is not available: diacritic-insensitive text search is disabled';
END
$$;
