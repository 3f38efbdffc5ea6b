import {
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';
import { placeOf, where } from './sdl-error.ts';
import type { CustomSchema } from './types.ts';

/** The custom document that can be served with this generated schema, and what was left out and why. */
export interface Servable {
  document: DocumentNode;
  leftOut: string[];
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/**
 * A custom schema may name types that only exist while a class does (`Post`, `PostWhereInput`,
 * `extend type Post`). While the class is absent — not created yet, or deleted — the fields that
 * need it are left out (and reported) rather than failing the build: the server starts on an
 * empty database, and a class deleted later cannot leave it unable to rebuild. A custom type
 * left with no fields (or a union with no members) goes too, and so, in turn, do the fields
 * that return it.
 */
export function leaveOutMissing(generated: GraphQLSchema, custom: CustomSchema): Servable {
  const gone = new Set<string>();
  const notes = new Map<string, string>();
  const exists = (name: string) => !gone.has(name) && (custom.types.has(name) || generated.getType(name) !== undefined);
  const note = (node: DefinitionNode | FieldDefinitionNode | InputValueDefinitionNode, message: string) =>
    notes.set(`${where(custom.file, placeOf(node))}`, `Custom GraphQL schema ${where(custom.file, placeOf(node))}: ${message}`);
  const missingOf = (types: TypeNode[]) => types.map(namedType).find((t) => !exists(t));

  const keepField = (owner: string) => (field: FieldDefinitionNode) => {
    const missing = missingOf([field.type, ...(field.arguments ?? []).map((a) => a.type)]);
    if (missing) note(field, `field ${owner}.${field.name.value} left out: type ${missing} does not exist (a class not created yet?)`);
    return !missing;
  };
  const dropType = (def: DefinitionNode & { name: { value: string } }, why: string) => {
    gone.add(def.name.value);
    note(def, `type ${def.name.value} left out: ${why}`);
    return undefined;
  };

  const servable = (def: DefinitionNode): DefinitionNode | undefined => {
    switch (def.kind) {
      case Kind.OBJECT_TYPE_EXTENSION: {
        if (!generated.getType(def.name.value)) {
          note(def, `fields of ${def.name.value} left out: there is no class whose type is ${def.name.value} (not created yet?)`);
          return undefined;
        }
        const fields = def.fields?.filter(keepField(def.name.value));
        return fields?.length ? { ...def, fields } : undefined;
      }
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION: {
        const fields = def.fields?.filter(keepField(def.name.value));
        if (!fields?.length) return dropType(def, 'none of its fields can be served');
        return { ...def, fields, interfaces: def.interfaces?.filter((i) => exists(i.name.value)) };
      }
      case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
        const fields = def.fields?.filter((f) => {
          const missing = missingOf([f.type]);
          if (missing) note(f, `field ${def.name.value}.${f.name.value} left out: type ${missing} does not exist (a class not created yet?)`);
          return !missing;
        });
        return fields?.length ? { ...def, fields } : dropType(def, 'none of its fields can be served');
      }
      case Kind.UNION_TYPE_DEFINITION: {
        const types = def.types?.filter((t) => exists(t.name.value));
        return types?.length ? { ...def, types } : dropType(def, 'none of its member types exists');
      }
      default:
        return def;
    }
  };

  let definitions = custom.document.definitions;
  for (;;) {
    const before = gone.size;
    definitions = definitions.flatMap((def) => servable(def) ?? []);
    if (gone.size === before) break;
  }
  return { document: { ...custom.document, definitions }, leftOut: [...notes.values()] };
}
