import type { Condition, FieldRef } from '../ast.ts';
import { textSearchConfig } from '../text-search.ts';
import { checkText } from '../values.ts';
import { invalid, isObject } from './state.ts';

/**
 * text {search: {term, language, caseSensitive, diacriticSensitive}} (REST: $text {$search:
 * {$term, …}}) on a String field. The language is a Mongo code or a PostgreSQL configuration
 * (default english); any other is error 102.
 */
export function parseText(field: FieldRef, operand: unknown): Condition {
  if (field.type !== 'String') invalid('text applies to String fields only');
  const search = isObject(operand) ? (operand.search ?? operand.$search) : undefined;
  if (!isObject(search)) invalid('text needs {search: {term}}');
  const get = (k: string) => search[k] ?? search['$' + k];
  const term = get('term');
  if (typeof term !== 'string' || term.trim() === '') invalid('text search term must be a non-empty string');
  const requested = get('language') ?? 'english';
  const language = typeof requested === 'string' ? textSearchConfig(requested) : undefined;
  if (language === undefined) invalid(`Invalid text search language: ${String(requested)}`);
  const caseSensitive = get('caseSensitive') ?? false;
  const diacriticSensitive = get('diacriticSensitive') ?? true;
  if (typeof caseSensitive !== 'boolean' || typeof diacriticSensitive !== 'boolean') invalid('caseSensitive and diacriticSensitive must be booleans');
  return { kind: 'text', field, term: checkText(term, field.name), language, caseSensitive, diacriticSensitive };
}
