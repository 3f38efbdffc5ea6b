import type { ClassDef, FieldDef } from '../schema/index.ts';

/** The fields of a class that a write checks or fills on every object: those with a default, the required ones. */
export interface FieldRules {
  defaults: ReadonlyArray<readonly [string, unknown]>;
  required: ReadonlyArray<readonly [string, FieldDef]>;
}

/**
 * Class definitions are immutable (a schema change makes new ones), so what every write would
 * otherwise find by walking all the class's fields is found once per definition.
 */
const rulesOf = new WeakMap<ClassDef, FieldRules>();

export function fieldRules(cls: ClassDef): FieldRules {
  let rules = rulesOf.get(cls);
  if (!rules) {
    const fields = Object.entries(cls.fields);
    rules = {
      defaults: fields.filter(([, f]) => f.defaultValue !== undefined).map(([name, f]) => [name, f.defaultValue] as const),
      required: fields.filter(([, f]) => f.required),
    };
    rulesOf.set(cls, rules);
  }
  return rules;
}
