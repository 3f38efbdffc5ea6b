import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import { CLASS, INCLUDED, type ParseObject } from '../../core/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { SYSTEM_CLASSES } from '../../schema/index.ts';
import { typeName } from '../inflection.ts';

/*
 * A cloud function that answers a field of a class type (`Post`) returns objects in its own
 * form: a CloudObject, or Parse JSON (`{__type: 'Object', className, objectId, …}`), or a
 * plain `{objectId, …}`. The generated type's resolvers read the stored form (ParseObject:
 * ISO dates, pointers as objectIds, file names…), so results are turned into that here.
 */

/** A generated class type: it implements ParseObject. */
export function isClassType(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'ParseObject');
}

/** The stored class name behind a generated type name (`User` → `_User`). */
export type ClassNameOf = (typeName: string) => string;

/** From the exposed classes when known; else Parse's rule (system classes drop their `_`). */
export function classNameResolver(classes?: Iterable<string>): ClassNameOf {
  const byType = new Map<string, string>();
  for (const className of classes ?? []) byType.set(typeName(className), className);
  return (name) => byType.get(name) ?? (SYSTEM_CLASSES.has(`_${name}`) ? `_${name}` : name);
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object that gives its stored form itself. */
export function hasToStored(value: unknown): value is { toStored(): ParseObject } {
  return isRecord(value) && typeof value.toStored === 'function';
}

/** A CloudObject, or an object in Parse JSON: what a class-typed or abstract result may be. */
export function isClassObject(value: unknown): boolean {
  return hasToStored(value) || (isRecord(value) && value.__type === 'Object' && typeof value.className === 'string');
}

/** Parse JSON for a pointer: `{__type: 'Pointer', className, objectId}` (className may be left to the field's type). */
export function isPointer(value: unknown): value is { __type: 'Pointer'; className?: string; objectId: string } {
  return isRecord(value) && value.__type === 'Pointer' && typeof value.objectId === 'string';
}

function notAnObject(expected: string, why: string): ParseError {
  return new ParseError(ErrorCode.SCRIPT_FAILED, `The cloud function's result cannot be a ${expected}: ${why}`);
}

/** The class a pointer result points to, checked against the field's class type (141 when it differs). */
export function pointerClass(pointer: { className?: string }, expected: GraphQLObjectType | undefined, classNameOf: ClassNameOf): string {
  const className = pointer.className ?? (expected ? classNameOf(expected.name) : undefined);
  if (!className) throw notAnObject('class object', 'the pointer does not name its class');
  if (expected && typeName(className) !== expected.name) throw notAnObject(expected.name, `it points to a ${typeName(className)}`);
  return className;
}

/**
 * A result as the stored object the generated type resolves (null stays null). `expected` is
 * the class type the field returns; undefined under an interface or union, where the value
 * must name its class. A value of another class, or without an objectId, is refused (141).
 */
export function toStoredObject(
  value: unknown,
  expected: GraphQLObjectType | undefined,
  classNameOf: ClassNameOf,
  typeOf: (name: string) => GraphQLNamedType | undefined,
): ParseObject | null {
  if (value === null || value === undefined) return null;
  const expectedName = expected?.name ?? 'class object';
  let stored: ParseObject;
  if (hasToStored(value)) stored = value.toStored();
  else {
    if (!isRecord(value)) throw notAnObject(expectedName, `it is a ${Array.isArray(value) ? 'list' : typeof value}`);
    const className = typeof value.className === 'string' ? value.className : expected ? classNameOf(expected.name) : undefined;
    if (!className) throw notAnObject(expectedName, 'it does not name its class');
    if (typeof value.objectId !== 'string') throw notAnObject(expectedName, 'it has no objectId');
    stored = fromJson(value, className, classNameOf, typeOf);
  }
  if (expected && typeName(stored[CLASS]) !== expected.name) throw notAnObject(expectedName, `it is a ${typeName(stored[CLASS])}`);
  return stored;
}

function fromJson(value: Json, className: string, classNameOf: ClassNameOf, typeOf: (name: string) => GraphQLNamedType | undefined): ParseObject {
  const type = typeOf(typeName(className));
  const fields = type && isObjectType(type) ? type.getFields() : {};
  const stored: ParseObject = { [CLASS]: className, objectId: value.objectId as string };
  const included: Record<string, ParseObject | null> = {};
  for (const [name, v] of Object.entries(value)) {
    // `__proto__` is no field name, and assigning it would change the object's prototype.
    if (name === '__type' || name === 'className' || name === 'objectId' || name === '__proto__') continue;
    const field = Object.hasOwn(fields, name) ? (fields[name] as GraphQLField<unknown, unknown>) : undefined;
    if (isRecord(v) && v.__type === 'Relation') continue; // a relation is read through the object's id
    if (field && isClassType(getNamedType(field.type)) && isClassObject(v)) {
      const target = toStoredObject(v, getNamedType(field.type) as GraphQLObjectType, classNameOf, typeOf);
      stored[name] = target?.objectId ?? null;
      included[name] = target;
      continue;
    }
    stored[name] = field ? storedValue(field, v) : v;
  }
  if (Object.keys(included).length) stored[INCLUDED] = included;
  return stored;
}

/** One field's Parse JSON (or SDK) value in the stored form its generated resolver reads. */
function storedValue(field: GraphQLField<unknown, unknown>, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  const json = isRecord(v) ? v : undefined;
  switch (getNamedType(field.type).name) {
    case 'Date':
      return v instanceof Date ? v.toISOString() : typeof json?.iso === 'string' ? json.iso : v;
    case 'FileInfo':
      return typeof json?.name === 'string' ? json.name : typeof json?.name === 'function' ? (json.name as () => string)() : v;
    case 'Bytes':
      return json?.__type === 'Bytes' ? json.base64 : v;
    case 'ACL':
      return typeof json?.toJSON === 'function' ? (json.toJSON as () => unknown)() : v;
    case 'GeoPoint':
      if (isListType(unwrapped))
        return json?.__type === 'Polygon' && Array.isArray(json.coordinates)
          ? json.coordinates.map(([latitude, longitude]: number[]) => ({ latitude, longitude }))
          : v;
      return json ? { latitude: json.latitude, longitude: json.longitude } : v;
    default:
      // A pointer given as {__type: 'Pointer'}: the generated resolver loads it by id.
      if (json?.__type === 'Pointer' && isClassType(getNamedType(field.type))) return json.objectId;
      return v;
  }
}
