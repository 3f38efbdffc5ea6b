import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { toIsoDate } from '../query/index.ts';
import { ErrorCode } from '../errors/index.ts';

function typeError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.INCORRECT_TYPE } });
}

/** A literal as a JSON value (variables in nested literals resolved). */
function literalValue(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables ? variables[ast.name.value] : undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const AnyScalar = new GraphQLScalarType({
  name: 'Any',
  description: 'The Any scalar type is used in operations and types that involve any type of value.',
  parseValue: (v) => v,
  serialize: (v) => v,
  parseLiteral: (ast, variables) => literalValue(ast, variables),
});

export const ObjectScalar = new GraphQLScalarType({
  name: 'Object',
  description: 'The Object scalar type is used in operations and types that involve objects.',
  parseValue(v) {
    if (!isPlainObject(v)) throw typeError(`Value is not a valid Object: ${JSON.stringify(v)}`);
    return v;
  },
  serialize: (v) => v,
  parseLiteral(ast, variables) {
    const v = literalValue(ast, variables);
    if (!isPlainObject(v)) throw typeError('Value is not a valid Object');
    return v;
  },
});

/** Dates travel as ISO 8601 strings (Parse's {__type: "Date", iso} is accepted on input). */
function parseDate(v: unknown): string {
  try {
    return toIsoDate(v);
  } catch {
    throw typeError(`Value is not a valid Date: ${JSON.stringify(v)}`);
  }
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'The Date scalar type is used in operations and types that involve dates.',
  parseValue: parseDate,
  serialize(v) {
    if (typeof v === 'string') return v;
    if (v instanceof Date) return v.toISOString();
    if (isPlainObject(v) && typeof v.iso === 'string') return v.iso;
    throw typeError('Value is not a valid Date');
  },
  parseLiteral(ast, variables) {
    return parseDate(literalValue(ast, variables));
  },
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseBytes(v: unknown): string {
  const b64 = typeof v === 'string' ? v : isPlainObject(v) && v.__type === 'Bytes' ? v.base64 : undefined;
  if (typeof b64 !== 'string' || !BASE64.test(b64)) throw typeError(`Value is not a valid Bytes: ${JSON.stringify(v)}`);
  return b64;
}

export const BytesScalar = new GraphQLScalarType({
  name: 'Bytes',
  description: 'The Bytes scalar type is used in operations and types that involve base 64 binary data.',
  parseValue: parseBytes,
  serialize(v) {
    if (typeof v === 'string') return v;
    if (isPlainObject(v) && typeof v.base64 === 'string') return v.base64;
    throw typeError('Value is not a valid Bytes');
  },
  parseLiteral(ast, variables) {
    return parseBytes(literalValue(ast, variables));
  },
});

/** A file reference: its name, or Parse's {__type: "File", name, url}. */
function parseFile(v: unknown): string {
  const name = typeof v === 'string' ? v : isPlainObject(v) && v.__type === 'File' ? v.name : undefined;
  if (typeof name !== 'string' || name === '') throw typeError(`Value is not a valid File: ${JSON.stringify(v)}`);
  return name;
}

export const FileScalar = new GraphQLScalarType({
  name: 'File',
  description: 'The File scalar type is used in operations and types that involve files.',
  parseValue: parseFile,
  serialize(v) {
    if (typeof v === 'string') return v;
    if (isPlainObject(v) && typeof v.name === 'string') return v.name;
    throw typeError('Value is not a valid File');
  },
  parseLiteral(ast, variables) {
    return parseFile(literalValue(ast, variables));
  },
});

/**
 * A file of a multipart request (GraphQL multipart request spec). The upload plugin has
 * already stored it and put an UploadToken in its place in the variables; the value is passed
 * on as is and resolvers check it (`claimUpload`: anything else, from JSON, is 130).
 */
export const UploadScalar = new GraphQLScalarType({
  name: 'Upload',
  description: 'The `Upload` scalar type represents a file upload.',
  parseValue: (v) => v,
  serialize() {
    throw typeError('Upload is an input-only type');
  },
  parseLiteral() {
    throw typeError('Upload values must be sent as multipart variables');
  },
});
