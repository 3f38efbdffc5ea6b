import { readFileSync } from 'node:fs';
import { parse, Source, type DocumentNode } from 'graphql';
import { checkDocument } from './check-document.ts';
import { DIRECTIVE_DEFINITIONS } from './directives.ts';
import { fromGraphQLError } from './sdl-error.ts';
import type { CustomSchema } from './types.ts';

/**
 * Reads and checks the custom schema file (PLINTH_GRAPHQL_SCHEMA) once, at start-up. A file
 * that cannot be read, does not parse, or holds something a custom schema may not (see
 * checkDocument) throws an Error naming the file, line and column, and the server does not
 * start. The file is not watched: a restart applies a change.
 */
export function loadCustomSchema(file: string): CustomSchema {
  let sdl: string;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Custom GraphQL schema ${file} cannot be read: ${(error as Error).message}`);
  }
  return parseCustomSchema(sdl, file);
}

/** As loadCustomSchema, from SDL text; `file` names it in messages. */
export function parseCustomSchema(sdl: string, file: string): CustomSchema {
  let document: DocumentNode;
  try {
    document = parse(new Source(sdl, file));
  } catch (error) {
    throw fromGraphQLError(file, error as Error);
  }
  const names = checkDocument(file, document);
  const missing = DIRECTIVE_DEFINITIONS.filter((d) => !names.declaredDirectives.has(d.name.value));
  if (missing.length) document = { ...document, definitions: [...document.definitions, ...missing] };
  return { file, document, types: names.types, extensions: names.extensions };
}
