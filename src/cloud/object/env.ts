import type { ClassDef, FieldDef } from '../../schema/index.ts';

/** What CloudObjects need from the server: class definitions (field types) and file URLs. */
export interface CloudEnv {
  classOf(className: string): ClassDef | undefined;
  /** The URL a stored file is served at. */
  fileUrl(name: string): string;
}

/** The field `key` of the class, if the class defines it (never an inherited property). */
export function fieldOf(env: CloudEnv, className: string, key: string): FieldDef | undefined {
  const cls = env.classOf(className);
  return cls && Object.hasOwn(cls.fields, key) ? cls.fields[key] : undefined;
}
