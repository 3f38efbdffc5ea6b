import { isAbstractType, isEnumType, isListType, isNonNullType, isScalarType, type GraphQLNamedType, type GraphQLOutputType } from 'graphql';
import type { ParseObject } from '../../core/index.ts';
import { hasToStored, isClassObject, isClassType, isPointer, pointerClass, toStoredObject, type ClassNameOf } from './class-objects.ts';

/** What shaping needs from the merged schema (fixed per schema). */
export interface ShapeContext {
  classNameOf: ClassNameOf;
  typeOf(name: string): GraphQLNamedType | undefined;
}

/** What shaping needs from the field being resolved (per call). */
export interface ShapeCall {
  /** Turns a handler's value into Parse JSON (CloudCalls.encode), or leaves it (mock values). */
  encode(value: unknown): unknown;
  /** Reads a pointed-to object as the caller may see it, with the fields the query selects (null when it may not). */
  load(className: string, objectId: string): Promise<ParseObject | null> | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A value (a cloud function's result, a mock value, a property of a custom object) in the form
 * the field's type resolves: scalars and JSON as Parse JSON; class types as stored objects (a
 * Parse pointer is read from the database, as the caller); custom object types as plain
 * objects, whose own fields shape their values when they are read (so only what is selected is
 * converted, and a cyclic value cannot loop).
 */
export function shapeValue(type: GraphQLOutputType, value: unknown, call: ShapeCall, ctx: ShapeContext): unknown {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return shapeValue(type.ofType, value, call, ctx);
  if (isListType(type)) {
    // Not a list: graphql-js reports it against the field.
    if (typeof value === 'string' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') return value;
    return Array.from(value as Iterable<unknown>, (item) => shapeValue(type.ofType, item, call, ctx));
  }
  if (isScalarType(type)) return call.encode(value);
  if (isEnumType(type)) return value;
  // SDK values (a CloudObject, a Date…) as Parse JSON: an object with data in full, one without
  // as a pointer. A class object's plain JSON is encoded too, for the SDK values inside it.
  const v = hasToStored(value) || (isPlainObject(value) && !isClassType(type)) ? value : call.encode(value);
  if (isClassType(type) || (isAbstractType(type) && (isClassObject(v) || isPointer(v)))) {
    const expected = isClassType(type) ? type : undefined;
    if (isPointer(v)) return call.load(pointerClass(v, expected, ctx.classNameOf), v.objectId);
    return toStoredObject(v, expected, ctx.classNameOf, ctx.typeOf);
  }
  return v;
}
