import type { ClassChange, ClassDef, FieldDef, FieldType } from '../schema/index.ts';
import { errors } from '../errors/index.ts';
import {
  createSchemaClass,
  deleteSchemaClass,
  listedClasses,
  orderedFields,
  PLAIN_FIELD_TYPES,
  requireSchemaRead,
  updateSchemaClass,
  type SchemaApiDeps,
} from '../core/schema-api.ts';
import type { GraphQLContext } from './context.ts';
import type { Builder, Ref, Refs } from './builder.ts';
import { inp, out, type Spec } from './type-spec.ts';

/** addStrings → String, … : the SchemaFieldsInput lists and the type each adds. */
const ADD_LISTS: [string, FieldType, string][] = [
  ['addStrings', 'String', 'SchemaStringFieldInput'],
  ['addNumbers', 'Number', 'SchemaNumberFieldInput'],
  ['addBooleans', 'Boolean', 'SchemaBooleanFieldInput'],
  ['addArrays', 'Array', 'SchemaArrayFieldInput'],
  ['addObjects', 'Object', 'SchemaObjectFieldInput'],
  ['addDates', 'Date', 'SchemaDateFieldInput'],
  ['addFiles', 'File', 'SchemaFileFieldInput'],
  ['addPolygons', 'Polygon', 'SchemaPolygonFieldInput'],
  ['addBytes', 'Bytes', 'SchemaBytesFieldInput'],
  ['addPointers', 'Pointer', 'PointerFieldInput'],
  ['addRelations', 'Relation', 'RelationFieldInput'],
];

/** One input and one output type per plain field type (the list the schema API shares with REST). */
const SIMPLE_TYPES = PLAIN_FIELD_TYPES;

interface FieldInput {
  name: string;
  targetClassName?: string;
  required?: boolean | null;
  defaultValue?: unknown;
}

interface SchemaFieldsInput {
  addGeoPoint?: FieldInput | null;
  remove?: { name: string }[] | null;
  [list: string]: FieldInput[] | FieldInput | { name: string }[] | null | undefined;
}

interface ClassInput {
  name: string;
  schemaFields?: SchemaFieldsInput | null;
  classLevelPermissions?: Record<string, unknown> | null;
  indexes?: Record<string, unknown> | null;
  clientMutationId?: string | null;
}

/** The schema API's input (schemaFields, CLPs, indexes) as a catalog change; planChange applies `remove` after the additions. */
export function toClassChange(input: ClassInput): ClassChange {
  // No prototype: a field may be called `constructor` or `toString` (and `__proto__` must reach validation).
  const addFields: Record<string, FieldDef> = Object.create(null);
  const sf = input.schemaFields ?? {};
  const removeFields = (sf.remove ?? []).map((r) => r.name);
  const removing = new Set(removeFields);
  const add = (f: FieldInput, type: FieldType) => {
    // A name also in `remove` is not added at all (planChange), so listing it twice is no duplicate — as in Parse.
    if (Object.hasOwn(addFields, f.name) && !removing.has(f.name)) throw errors.duplicateField(f.name);
    const def: FieldDef = { type };
    if (f.targetClassName !== undefined && f.targetClassName !== null) def.targetClass = f.targetClassName;
    if (f.required) def.required = true;
    if (f.defaultValue !== undefined && f.defaultValue !== null) def.defaultValue = f.defaultValue;
    addFields[f.name] = def;
  };
  for (const [list, type] of ADD_LISTS) for (const f of (sf[list] as FieldInput[] | null | undefined) ?? []) add(f, type);
  if (sf.addGeoPoint) add(sf.addGeoPoint, 'GeoPoint');
  const change: ClassChange = { addFields, removeFields };
  if (input.classLevelPermissions !== undefined && input.classLevelPermissions !== null) change.classLevelPermissions = input.classLevelPermissions;
  if (input.indexes !== undefined && input.indexes !== null) change.indexes = input.indexes;
  return change;
}

interface SchemaFieldOutput {
  name: string;
  type: FieldType;
  targetClassName?: string;
  required: boolean;
  defaultValue?: unknown;
}

/** A class as the schema API returns it. */
export function classOutput(cls: ClassDef) {
  const schemaFields: SchemaFieldOutput[] = orderedFields(cls).map(([name, f]) => ({
    name,
    type: f.type,
    targetClassName: f.targetClass,
    required: !!f.required,
    defaultValue: f.defaultValue,
  }));
  return { name: cls.className, schemaFields, classLevelPermissions: cls.classLevelPermissions, indexes: cls.indexes };
}

function requireClass(c: GraphQLContext, name: string): ClassDef {
  const cls = c.schemaStore.getClass(name);
  if (!cls) throw errors.classNotFound(name);
  return cls;
}

export function defineSchemaApiTypes(builder: Builder, refs: Refs): void {
  const b = builder as Ref;
  const nameOnly = (t: Ref) => ({ name: t.field(inp('String', '!')) });
  const extras = (t: Ref) => ({ required: t.field(inp('Boolean', '')), defaultValue: t.field(inp('Any', '')) });
  refs.set('SchemaFieldInput', b.inputType('SchemaFieldInput', { fields: nameOnly }));
  const iface = refs.set(
    'SchemaField',
    b.interfaceRef('SchemaField').implement({
      fields: (t: Ref) => ({
        name: t.exposeString('name', { nullable: false }),
        required: t.exposeBoolean('required', { nullable: true, description: 'Plinth: the field must be present on create.' }),
      }),
      resolveType: (f: SchemaFieldOutput) =>
        f.type === 'Pointer' ? 'SchemaPointerField' : f.type === 'Relation' ? 'SchemaRelationField' : `Schema${f.type}Field`,
    }),
  );
  for (const type of SIMPLE_TYPES) {
    refs.set(`Schema${type}FieldInput`, b.inputType(`Schema${type}FieldInput`, { fields: (t: Ref) => ({ ...nameOnly(t), ...extras(t) }) }));
    refs.set(`Schema${type}Field`, b.objectRef(`Schema${type}Field`).implement({ interfaces: [iface], fields: () => ({}) }));
  }
  for (const [input, output] of [
    ['PointerFieldInput', 'SchemaPointerField'],
    ['RelationFieldInput', 'SchemaRelationField'],
  ]) {
    refs.set(input, b.inputType(input, { fields: (t: Ref) => ({ ...nameOnly(t), targetClassName: t.field(inp('String', '!')), ...extras(t) }) }));
    refs.set(
      output,
      b.objectRef(output).implement({ interfaces: [iface], fields: (t: Ref) => ({ targetClassName: t.exposeString('targetClassName', { nullable: false }) }) }),
    );
  }
  refs.set('SchemaACLField', b.objectRef('SchemaACLField').implement({ interfaces: [iface], fields: () => ({}) }));
  refs.set(
    'SchemaFieldsInput',
    b.inputType('SchemaFieldsInput', {
      fields: (t: Ref) => {
        const fields: Record<string, Ref> = {};
        for (const [list, type, input] of ADD_LISTS) {
          if (type === 'Polygon') fields.addGeoPoint = t.field(inp(refs.get('SchemaGeoPointFieldInput'), ''));
          fields[list] = t.field(inp(refs.get(input), '[!]'));
        }
        fields.remove = t.field(inp(refs.get('SchemaFieldInput'), '[!]'));
        return fields;
      },
    }),
  );
  refs.set(
    'Class',
    b.objectRef('Class').implement({
      fields: (t: Ref) => ({
        name: t.exposeString('name', { nullable: false }),
        schemaFields: t.field({ ...out(iface, '[!]!'), resolve: (c: ReturnType<typeof classOutput>) => c.schemaFields }),
        classLevelPermissions: t.field({
          ...out('Object', ''),
          description: "Plinth: class-level permissions in Parse's JSON format.",
          resolve: (c: ReturnType<typeof classOutput>) => c.classLevelPermissions,
        }),
        indexes: t.field({
          ...out('Object', ''),
          description: "Plinth: indexes in Parse's format.",
          resolve: (c: ReturnType<typeof classOutput>) => c.indexes,
        }),
      }),
    }),
  );
  const classInput = (name: string, withFields: boolean) => {
    const spec: Record<string, [string, Spec]> = { name: ['String', '!'] };
    refs.set(
      name,
      b.inputType(name, {
        fields: (t: Ref) => ({
          name: t.field(inp(spec.name[0], spec.name[1])),
          ...(withFields
            ? {
                schemaFields: t.field(inp(refs.get('SchemaFieldsInput'), '')),
                classLevelPermissions: t.field(inp('Object', '')),
                indexes: t.field(inp('Object', '')),
              }
            : {}),
          clientMutationId: t.field(inp('String', '')),
        }),
      }),
    );
  };
  classInput('CreateClassInput', true);
  classInput('UpdateClassInput', true);
  classInput('DeleteClassInput', false);
  for (const payload of ['CreateClassPayload', 'UpdateClassPayload', 'DeleteClassPayload']) {
    refs.set(
      payload,
      b.objectRef(payload).implement({
        fields: (t: Ref) => ({
          class: t.field({ ...out(refs.get('Class'), '!'), resolve: (p: { class: unknown }) => p.class }),
          clientMutationId: t.field({ ...out('String', ''), resolve: (p: { clientMutationId?: string | null }) => p.clientMutationId ?? null }),
        }),
      }),
    );
  }
}

export function schemaQueryFields(refs: Refs, t: Ref): Record<string, Ref> {
  return {
    class: t.field({
      ...out(refs.get('Class'), '!'),
      args: { name: t.arg(inp('String', '!')) },
      resolve: (_r: unknown, { name }: { name: string }, c: GraphQLContext) => {
        requireSchemaRead(c.auth);
        return classOutput(requireClass(c, name));
      },
    }),
    classes: t.field({
      ...out(refs.get('Class'), '[!]!'),
      resolve: (_r: unknown, _a: unknown, c: GraphQLContext) => {
        requireSchemaRead(c.auth);
        return listedClasses(c.schemaStore.current).map(classOutput);
      },
    }),
  };
}

export function schemaMutationFields(refs: Refs, t: Ref): Record<string, Ref> {
  // Who may change the schema, the change and its audit record: core/schema-api.ts, shared with REST.
  const mutation = (payload: string, input: string, run: (deps: SchemaApiDeps, c: GraphQLContext, i: ClassInput) => Promise<ClassDef>) =>
    t.field({
      ...out(refs.get(payload), ''),
      args: { input: t.arg(inp(refs.get(input), '!')) },
      resolve: async (_r: unknown, { input: i }: { input: ClassInput }, c: GraphQLContext) => {
        const changed = await run({ schemaStore: c.schemaStore, schemaChanged: c.schemaChanged }, c, i);
        return { class: classOutput(changed), clientMutationId: i.clientMutationId ?? null };
      },
    });
  return {
    createClass: mutation('CreateClassPayload', 'CreateClassInput', (d, c, i) => createSchemaClass(d, c.auth, i.name, () => toClassChange(i))),
    updateClass: mutation('UpdateClassPayload', 'UpdateClassInput', (d, c, i) => updateSchemaClass(d, c.auth, i.name, () => toClassChange(i))),
    deleteClass: mutation('DeleteClassPayload', 'DeleteClassInput', (d, c, i) => deleteSchemaClass(d, c.auth, i.name)),
  };
}
