import { isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { STATIC_TYPE_NAMES } from '../collisions.ts';
import { isClassType, type ClassNameOf } from './class-objects.ts';
import { sdlError } from './sdl-error.ts';
import type { CustomSchema } from './types.ts';

function whatIs(type: GraphQLNamedType, classNameOf: ClassNameOf): string {
  if (STATIC_TYPE_NAMES.has(type.name) || type.name.startsWith('__')) return 'a built-in type of the API';
  if (isClassType(type)) return `the type of class ${classNameOf(type.name)}`;
  return 'a type generated for a class';
}

/**
 * Refuses a custom schema whose names are already taken in the generated schema: a type
 * (`type Post` while class Post exists), a root field (`posts`), a field already on a class
 * type — or an extension of a type that is neither a root nor a class type. The error names the
 * clashing name and the line; at start-up it stops the server. (A class created later cannot
 * clash: refuseCustomSchemaClashes refuses it.)
 */
export function refuseClashes(generated: GraphQLSchema, custom: CustomSchema, classNameOf: ClassNameOf): void {
  for (const [name, place] of custom.types) {
    const existing = generated.getType(name);
    if (existing) throw sdlError(custom.file, place, `type ${name} clashes with ${whatIs(existing, classNameOf)}; rename it`);
  }
  for (const [typeName, fields] of custom.extensions) {
    const type = generated.getType(typeName);
    if (!type) continue; // a class not created yet: its fields are left out for now
    const [first] = fields.values();
    const root = typeName === 'Query' || typeName === 'Mutation';
    if (!root && !isClassType(type))
      throw sdlError(custom.file, first, `type ${typeName} is ${whatIs(type, classNameOf)}; only Query, Mutation and class types can be extended`);
    if (!isObjectType(type)) continue;
    const taken = type.getFields();
    for (const [field, place] of fields) {
      if (Object.hasOwn(taken, field))
        throw sdlError(custom.file, place, `field ${typeName}.${field} clashes with a ${root ? 'root field' : 'field'} of the generated API; rename it`);
    }
  }
}
