/**
 * The text search configurations that ship with PostgreSQL (up to 18): the only languages a
 * full-text search may name. The list is fixed so that the SQL can spell the configuration as
 * a literal — `to_tsvector('english'::regconfig, …)` — which is what lets the planner match a
 * text index built on that expression (a parameter never matches an index expression). One
 * that a given server lacks fails there as an invalid query (102).
 */
const CONFIGURATIONS = new Set([
  'simple',
  'arabic',
  'armenian',
  'basque',
  'catalan',
  'danish',
  'dutch',
  'english',
  'estonian',
  'finnish',
  'french',
  'german',
  'greek',
  'hindi',
  'hungarian',
  'indonesian',
  'irish',
  'italian',
  'lithuanian',
  'nepali',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'serbian',
  'spanish',
  'swedish',
  'tamil',
  'turkish',
  'yiddish',
]);

/**
 * MongoDB's text search language codes (which Parse apps on MongoDB send) → PostgreSQL's
 * configurations; "none" means no stemming and no stop words.
 */
const MONGO_LANGUAGES = new Map([
  ['none', 'simple'],
  ['da', 'danish'],
  ['nl', 'dutch'],
  ['en', 'english'],
  ['fi', 'finnish'],
  ['fr', 'french'],
  ['de', 'german'],
  ['hu', 'hungarian'],
  ['it', 'italian'],
  ['nb', 'norwegian'],
  ['pt', 'portuguese'],
  ['ro', 'romanian'],
  ['ru', 'russian'],
  ['es', 'spanish'],
  ['sv', 'swedish'],
  ['tr', 'turkish'],
]);

/** The configuration a requested language names (a Mongo code or a configuration, any case), or undefined. */
export function textSearchConfig(language: string): string | undefined {
  const name = language.toLowerCase();
  const config = MONGO_LANGUAGES.get(name) ?? name;
  return CONFIGURATIONS.has(config) ? config : undefined;
}

/** Whether `name` is one of the known configurations (the SQL checks again before quoting it). */
export function isTextSearchConfig(name: string): boolean {
  return CONFIGURATIONS.has(name);
}
