import {
  Kind,
  type DocumentNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInterfaceType,
  type GraphQLResolveInfo,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type GraphQLUnionType,
} from 'graphql';
import { CLASS } from '../../core/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { GraphQLContext } from '../context.ts';
import { typeName } from '../inflection.ts';
import { fieldSource, type FieldSource } from './directives.ts';
import { shapeValue, type ShapeCall, type ShapeContext } from './shape.ts';
import { readFieldsFor } from '../read-fields.ts';
import { selectedFields } from '../selection.ts';

type Field = GraphQLField<unknown, GraphQLContext>;
type Resolver = GraphQLFieldResolver<unknown, GraphQLContext>;

/**
 * The per-call half of shaping: Parse JSON from the request's cloud encoder (mock values are
 * JSON already), and pointers read as the caller, with the columns the query selects.
 */
function callOf(c: GraphQLContext, info: GraphQLResolveInfo): ShapeCall {
  return {
    encode: c.cloud ? (value) => c.cloud!.encode(value) : (value) => value,
    load(className, objectId) {
      const cls = c.schemaStore.getClass(className);
      if (!cls) return null;
      return c.loaders.object(className, readFieldsFor(cls, selectedFields(info, info.fieldNodes, typeName(className)))).load(objectId);
    },
  };
}

/**
 * `@resolve`: calls the cloud function with the field's arguments as its params, as the
 * request's caller. Its errors pass through (a ParseError keeps its code in the response).
 */
function functionResolver(name: string, field: Field, ctx: ShapeContext): Resolver {
  return async (_parent, args, c, info) => {
    if (!c.cloud) throw new ParseError(ErrorCode.SCRIPT_FAILED, `Cloud function ${name} cannot be called: this server runs without cloud code.`);
    const result = await c.cloud.call(name, { ...args }, c);
    return shapeValue(field.type, result, callOf(c, info), ctx);
  };
}

function resolverFor(source: FieldSource, field: Field, onCustomType: boolean, ctx: ShapeContext): Resolver | undefined {
  switch (source.kind) {
    case 'mock':
      return (_parent, _args, c, info) => shapeValue(field.type, source.value, callOf(c, info), ctx);
    case 'function':
      return functionResolver(source.name, field, ctx);
    default:
      // A custom type's plain field reads its parent's property, shaped to the field's type.
      // On Query, Mutation and class types GraphQL's default resolver stays (null, or the stored value).
      return onCustomType
        ? (parent, _args, c, info) => shapeValue(field.type, (parent as Record<string, unknown> | null)?.[field.name], callOf(c, info), ctx)
        : undefined;
  }
}

/** A custom interface or union's member: named by `__typename`, or the class of a stored object. */
const resolveCustomType: GraphQLTypeResolver<unknown, GraphQLContext> = (value) => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { __typename?: unknown; [CLASS]?: string };
  if (typeof v.__typename === 'string') return v.__typename;
  return v[CLASS] ? typeName(v[CLASS]) : undefined;
};

/**
 * Gives the custom fields of a merged schema their resolvers (`@resolve`, `@mock`, plain
 * fields of custom types) and custom interfaces and unions their type resolver. The types are
 * the merged schema's own fresh copies (extendSchema builds new ones), so setting them in place
 * changes no other schema.
 */
export function attachResolvers(schema: GraphQLSchema, document: DocumentNode, ctx: ShapeContext): void {
  for (const def of document.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) {
      const fields = (schema.getType(def.name.value) as GraphQLObjectType).getFields();
      for (const node of def.fields ?? []) {
        const field = fields[node.name.value] as Field;
        const resolve = resolverFor(fieldSource(node), field, def.kind === Kind.OBJECT_TYPE_DEFINITION, ctx);
        if (resolve) field.resolve = resolve;
      }
    }
    if (def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.UNION_TYPE_DEFINITION) {
      (schema.getType(def.name.value) as GraphQLInterfaceType | GraphQLUnionType).resolveType = resolveCustomType;
    }
  }
}
