import { assertValidSchema, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { SchemaSnapshot, ClassDef } from '../schema/index.ts';
import { errors } from '../errors/index.ts';
import { CLASS, type ParseObject } from '../core/index.ts';
import type { Logger } from '../config/logger.ts';
import { createBuilder, Refs, type Ref } from './builder.ts';
import { defineStaticTypes } from './static-types.ts';
import { defineSchemaApiTypes, schemaMutationFields, schemaQueryFields } from './schema-api.ts';
import { exposedClasses } from './collisions.ts';
import { fromGlobalId, typeName } from './inflection.ts';
import { inp, out } from './type-spec.ts';
import type { GraphQLContext } from './context.ts';
import { selectedFields } from './selection.ts';
import { readFieldsFor } from './read-fields.ts';
import type { GenContext } from './generators/context.ts';
import { declareObjectType, implementObjectType } from './generators/object-type.ts';
import { declareConnection, implementConnection } from './generators/connection.ts';
import { declareWhereInputs, implementWhereInputs } from './generators/where-input.ts';
import { defineOrderEnum } from './generators/order-enum.ts';
import { declareInputs, implementInputs } from './generators/inputs.ts';
import { declareMutationTypes, implementMutationTypes, classMutationFields } from './generators/mutations.ts';
import { classQueryFields } from './generators/queries.ts';
import { classSubscriptionFields, declareEventType, defineLiveEventEnum, implementEventType } from './generators/subscriptions.ts';
import { liveResultFields } from './generators/live-results.ts';
import { mergeCustomSchema, type CustomSchema } from './custom-schema/index.ts';
import { defineUsersApi } from './users/index.ts';
import { cloudFunctionMutationFields, defineCloudFunctionTypes } from './cloud/functions.ts';
import { defineJobTypes, jobMutationFields } from './cloud/jobs.ts';
import { definePushTypes, pushMutationFields } from './push/send-push.ts';
import { cloudCodeQueryFields, defineCloudCodeRegistryTypes } from './cloud/registry.ts';
import { defineWebhookTypes, webhookMutationFields, webhookQueryFields } from './cloud/hooks.ts';
import { defineDeleteFileTypes, deleteFileMutationFields } from './files/delete-file.ts';
import { createFileMutationFields, defineCreateFileTypes } from './files/create-file.ts';
import { trackUploadClaims } from './files/upload-claims.ts';

/** What the loaded cloud code adds to the schema: the functions callCloudCode can name. */
export interface CloudSchemaParts {
  functionNames: readonly string[];
}

const NO_CLOUD: CloudSchemaParts = { functionNames: [] };

/**
 * Builds the whole GraphQL schema for one catalog version: the built-in API plus, per class,
 * the types and root fields of API.md, and the custom schema (PLINTH_GRAPHQL_SCHEMA) merged in
 * last. Pure and synchronous; the caller swaps the result in.
 */
export function buildGraphQLSchema(snapshot: SchemaSnapshot, logger?: Logger, custom?: CustomSchema, cloud: CloudSchemaParts = NO_CLOUD): GraphQLSchema {
  const builder = createBuilder();
  const refs = new Refs();
  defineStaticTypes(builder, refs);
  defineSchemaApiTypes(builder, refs);
  const callable = defineCloudFunctionTypes(builder as Ref, refs, cloud.functionNames);
  defineCloudCodeRegistryTypes(builder as Ref, refs);
  defineWebhookTypes(builder as Ref, refs);
  defineDeleteFileTypes(builder as Ref, refs);
  defineCreateFileTypes(builder as Ref, refs);

  const { exposed, skipped } = exposedClasses(snapshot);
  for (const [className, why] of skipped) logger?.warn({ className }, `class left out of the GraphQL API: ${why}`);
  const classes = new Map<string, ClassDef>(exposed.map((name) => [name, snapshot.classes.get(name)!]));
  const ctx: GenContext = { builder, refs, classes, all: snapshot.classes };
  defineLiveEventEnum(ctx);

  for (const cls of classes.values()) {
    declareObjectType(ctx, cls);
    declareConnection(ctx, cls.className);
    declareWhereInputs(ctx, cls);
    defineOrderEnum(ctx, cls);
    declareInputs(ctx, cls);
    declareMutationTypes(ctx, cls);
    declareEventType(ctx, cls);
  }
  const b = builder as Ref;
  refs.set(
    'ArrayResult',
    b.unionType('ArrayResult', {
      types: [refs.get('Element'), ...[...classes.keys()].map((c) => refs.get(typeName(c)))],
      resolveType: (o: ParseObject) => (o?.[CLASS] ? typeName(o[CLASS]) : 'Element'),
    }),
  );
  for (const cls of classes.values()) {
    implementObjectType(ctx, cls);
    implementConnection(ctx, cls.className);
    implementWhereInputs(ctx, cls);
    implementInputs(ctx, cls);
    implementMutationTypes(ctx, cls);
    implementEventType(ctx, cls);
  }

  defineJobTypes(ctx);
  definePushTypes(ctx);
  const users = defineUsersApi(ctx);
  b.queryType({
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {
        node: t.field({
          ...out(refs.get('Node'), ''),
          args: { id: t.arg(inp('ID', '!')) },
          resolve: (_r: unknown, { id }: { id: string }, c: GraphQLContext, info: GraphQLResolveInfo) => {
            const g = fromGlobalId(id);
            const cls = g && classes.get(g.className);
            if (!g || !cls) throw errors.invalidQuery('Invalid global id');
            return c.core.get(c.auth, cls.className, g.objectId, readFieldsFor(cls, selectedFields(info, info.fieldNodes, typeName(cls.className))));
          },
        }),
      };
      for (const cls of classes.values()) Object.assign(fields, classQueryFields(ctx, cls, t));
      fields.health = t.field({ ...out('Boolean', '!'), resolve: () => true });
      Object.assign(fields, users.queries(t));
      Object.assign(fields, schemaQueryFields(refs, t));
      Object.assign(fields, cloudCodeQueryFields(refs, t));
      Object.assign(fields, webhookQueryFields(refs, t));
      return fields;
    },
  });
  b.mutationType({
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {};
      for (const cls of classes.values()) Object.assign(fields, classMutationFields(ctx, cls, t));
      Object.assign(fields, users.mutations(t));
      if (callable) Object.assign(fields, cloudFunctionMutationFields(refs, t));
      Object.assign(fields, jobMutationFields(ctx, t));
      Object.assign(fields, pushMutationFields(ctx, t));
      Object.assign(fields, webhookMutationFields(refs, t));
      Object.assign(fields, createFileMutationFields(refs, t));
      Object.assign(fields, deleteFileMutationFields(refs, t));
      Object.assign(fields, schemaMutationFields(refs, t));
      return fields;
    },
  });
  b.subscriptionType({
    fields: (t: Ref) => {
      const fields: Record<string, Ref> = {};
      for (const cls of classes.values()) Object.assign(fields, classSubscriptionFields(ctx, cls, t), liveResultFields(ctx, cls, t));
      return fields;
    },
  });
  const generated = builder.toSchema({ sortSchema: false });
  const schema = custom ? mergeCustomSchema(generated, custom, { classes: classes.keys(), logger }) : generated;
  // Checked here rather than at the first request (graphql-js keeps the result on the schema):
  // a name GraphQL refuses (`__proto__` begins with `__`) fails this build, and the holder
  // keeps serving the previous schema, instead of every request failing.
  assertValidSchema(schema);
  return trackUploadClaims(schema);
}
