import type { GraphQLSchema } from 'graphql';
import type { SchemaSnapshot, SchemaStore } from '../schema/index.ts';
import type { Logger } from '../config/logger.ts';
import { buildGraphQLSchema } from '../graphql/index.ts';

/**
 * The GraphQL schema currently served. Rebuilt once per catalog version (never per request)
 * and swapped in as one reference assignment, so a request sees one whole schema.
 */
export class SchemaHolder {
  private schema: GraphQLSchema;
  private version: string;

  constructor(
    store: SchemaStore,
    private readonly logger?: Logger,
  ) {
    this.schema = buildGraphQLSchema(store.current, logger);
    this.version = store.current.version;
    store.onChange((snapshot) => this.rebuild(snapshot));
  }

  get current(): GraphQLSchema {
    return this.schema;
  }

  private rebuild(snapshot: SchemaSnapshot): void {
    if (snapshot.version === this.version) return;
    try {
      const started = performance.now();
      this.schema = buildGraphQLSchema(snapshot, this.logger);
      this.version = snapshot.version;
      this.logger?.info({ version: snapshot.version, classes: snapshot.classes.size, ms: Math.round(performance.now() - started) }, 'GraphQL schema rebuilt');
    } catch (error) {
      this.logger?.error({ err: error, version: snapshot.version }, 'could not build the GraphQL schema; still serving the previous one');
    }
  }
}
