import type { GraphQLSchema } from 'graphql';
import type { SchemaSnapshot, SchemaStore } from '../schema/index.ts';
import type { Logger } from '../config/logger.ts';
import { buildGraphQLSchema } from '../graphql/index.ts';
import type { CloudSchemaParts } from '../graphql/build-schema.ts';
import type { CustomSchema } from '../graphql/custom-schema/index.ts';

/**
 * The GraphQL schema currently served. Rebuilt once per catalog version, and when the loaded
 * cloud code changes what it adds (its callable functions) — never per request — and swapped in
 * as one reference assignment, so a request sees one whole schema.
 */
export class SchemaHolder {
  private schema: GraphQLSchema;
  private snapshot: SchemaSnapshot;
  private cloud: CloudSchemaParts = { functionNames: [] };

  constructor(
    store: SchemaStore,
    private readonly logger?: Logger,
    /** Merged into every build (PLINTH_GRAPHQL_SCHEMA); a clash in the first build stops start-up. */
    private readonly custom?: CustomSchema,
    cloud?: CloudSchemaParts,
  ) {
    if (cloud) this.cloud = cloud;
    this.schema = buildGraphQLSchema(store.current, logger, custom, this.cloud);
    this.snapshot = store.current;
    store.onChange((snapshot) => {
      if (snapshot.version !== this.snapshot.version) this.rebuild(snapshot, this.cloud);
    });
  }

  get current(): GraphQLSchema {
    return this.schema;
  }

  /** The cloud code was (re)loaded: rebuild if what it adds to the schema changed. */
  cloudChanged(cloud: CloudSchemaParts): void {
    if (cloud.functionNames.join('\0') === this.cloud.functionNames.join('\0')) return;
    this.rebuild(this.snapshot, cloud);
  }

  private rebuild(snapshot: SchemaSnapshot, cloud: CloudSchemaParts): void {
    try {
      const started = performance.now();
      this.schema = buildGraphQLSchema(snapshot, this.logger, this.custom, cloud);
      this.snapshot = snapshot;
      this.cloud = cloud;
      this.logger?.info(
        { version: snapshot.version, classes: snapshot.classes.size, functions: cloud.functionNames.length, ms: Math.round(performance.now() - started) },
        'GraphQL schema rebuilt',
      );
    } catch (error) {
      this.logger?.error({ err: error, version: snapshot.version }, 'could not build the GraphQL schema; still serving the previous one');
    }
  }
}
