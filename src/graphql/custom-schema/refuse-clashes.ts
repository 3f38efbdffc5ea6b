import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { SchemaValidator } from '../../schema/index.ts';
import { classNames, typeName } from '../inflection.ts';
import { where } from './sdl-error.ts';
import type { CustomSchema } from './types.ts';

/**
 * Schema validator (register with SchemaStore.addValidator): refuses a class change that would
 * clash with the custom schema — a new class whose generated type or root field names the
 * custom schema already uses (103), or a field added to a class whose type the custom schema
 * extends with a field of that name (105) — so that the server never holds a catalog it cannot
 * build a schema for. Names that clashed before the change are not this change's doing.
 */
export function refuseCustomSchemaClashes(custom: CustomSchema): SchemaValidator {
  const at = (place: { line: number; column: number }) => `the custom GraphQL schema (${where(custom.file, place)})`;
  return (next, changedClass, previous) => {
    const cls = next.classes.get(changedClass);
    if (!cls) return;
    const before = previous?.classes.get(changedClass);
    if (!before) {
      const names = classNames(changedClass);
      const refuse = (what: string, place: { line: number; column: number }) => {
        throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class ${changedClass} cannot be exposed in GraphQL: ${what} is defined by ${at(place)}.`);
      };
      for (const t of names.types) {
        const place = custom.types.get(t);
        if (place) refuse(`its type name ${t}`, place);
      }
      for (const q of names.queries) {
        const place = custom.extensions.get('Query')?.get(q);
        if (place) refuse(`its query ${q}`, place);
      }
      for (const m of names.mutations) {
        const place = custom.extensions.get('Mutation')?.get(m);
        if (place) refuse(`its mutation ${m}`, place);
      }
    }
    const added = custom.extensions.get(typeName(changedClass));
    if (!added) return;
    // `id` is every class type's Relay id; the others are the class's own fields.
    for (const field of ['id', ...Object.keys(cls.fields)]) {
      const place = added.get(field);
      if (!place || (before && (field === 'id' || Object.hasOwn(before.fields, field)))) continue;
      const message = `${typeName(changedClass)}.${field} is defined by ${at(place)}`;
      if (!before) throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class ${changedClass} cannot be exposed in GraphQL: ${message}.`);
      throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Field ${field} cannot be added to class ${changedClass}: ${message}.`);
    }
  };
}
