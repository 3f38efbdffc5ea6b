/** The field types of Parse's data model. */
export const FIELD_TYPES = [
  'String',
  'Number',
  'Boolean',
  'Date',
  'Object',
  'Array',
  'Pointer',
  'Relation',
  'File',
  'GeoPoint',
  'Polygon',
  'Bytes',
  'ACL',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDef {
  type: FieldType;
  /** Target class of a Pointer or Relation. */
  targetClass?: string;
  /** Must be present on create and may not be unset. */
  required?: boolean;
  /** Applied on create when the field is absent. */
  defaultValue?: unknown;
}

/** Class-level permissions in Parse's JSON format. */
export interface ClassLevelPermissions {
  find?: Record<string, unknown>;
  get?: Record<string, unknown>;
  count?: Record<string, unknown>;
  create?: Record<string, unknown>;
  update?: Record<string, unknown>;
  delete?: Record<string, unknown>;
  addField?: Record<string, unknown>;
  readUserFields?: string[];
  writeUserFields?: string[];
  protectedFields?: Record<string, string[]>;
  /** Parse's CLP-level ACL: entity → `{read, write}`. */
  ACL?: Record<string, unknown>;
}

/** Index definitions in Parse's format: name → { field: 1 | -1 | "text" }. */
export type IndexDefs = Record<string, Record<string, 1 | -1 | 'text'>>;

/**
 * A class as the rest of the server sees it: its public fields (including objectId, createdAt,
 * updatedAt and ACL; never the internal _rperm/_wperm/_hashed_password columns), CLPs and indexes.
 */
export interface ClassDef {
  readonly className: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  readonly classLevelPermissions: ClassLevelPermissions;
  readonly indexes: IndexDefs;
}

/** An immutable view of the whole catalog at one version. */
export interface SchemaSnapshot {
  readonly version: string;
  readonly classes: ReadonlyMap<string, ClassDef>;
}
