import SchemaBuilder from '@pothos/core';
import type { GraphQLContext } from './context.ts';
import { AnyScalar, BytesScalar, DateScalar, FileScalar, ObjectScalar, UploadScalar } from './scalars.ts';

export interface PlinthSchemaTypes {
  Context: GraphQLContext;
  DefaultFieldNullability: true;
  Scalars: {
    Any: { Input: unknown; Output: unknown };
    Object: { Input: Record<string, unknown>; Output: unknown };
    Date: { Input: string; Output: unknown };
    Bytes: { Input: string; Output: unknown };
    File: { Input: string; Output: unknown };
    Upload: { Input: unknown; Output: never };
  };
}

/** Creates a fresh Pothos builder with Parse's scalars; one per schema version. */
export function createBuilder() {
  const builder = new SchemaBuilder<PlinthSchemaTypes>({});
  builder.addScalarType('Upload', UploadScalar);
  builder.addScalarType('Any', AnyScalar);
  builder.addScalarType('Object', ObjectScalar);
  builder.addScalarType('Date', DateScalar);
  builder.addScalarType('Bytes', BytesScalar);
  builder.addScalarType('File', FileScalar);
  return builder;
}

export type Builder = ReturnType<typeof createBuilder>;

/**
 * Type references by GraphQL name. Generated types refer to each other (a pointer field names
 * its target's type, a where input its target's relation input), so every class's refs are
 * created before any is implemented. Pothos refs are loosely typed here on purpose: the schema
 * is generated from data, and its shape is checked by the SDL snapshot tests instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Ref = any;

export class Refs {
  private readonly map = new Map<string, Ref>();

  set<T extends Ref>(name: string, ref: T): T {
    if (this.map.has(name)) throw new Error(`GraphQL type ${name} defined twice`);
    this.map.set(name, ref);
    return ref;
  }

  get(name: string): Ref {
    const ref = this.map.get(name);
    if (!ref) throw new Error(`GraphQL type ${name} is not defined`);
    return ref;
  }

  has(name: string): boolean {
    return this.map.has(name);
  }
}
