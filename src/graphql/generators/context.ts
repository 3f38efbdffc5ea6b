import { isWriteOnly, type ClassDef, type FieldDef } from '../../schema/index.ts';
import type { Builder, Refs } from '../builder.ts';

/** What every per-class generator gets: the builder, the refs, and the classes being exposed. */
export interface GenContext {
  builder: Builder;
  refs: Refs;
  /** Classes that get types (valid, collision-free names), by class name. */
  classes: ReadonlyMap<string, ClassDef>;
  /** Every class of the catalog version the schema is built from (for where subqueries). */
  all: ReadonlyMap<string, ClassDef>;
}

/** The class fields a type shows, beyond the ParseObject fields; write-only fields (_User.password) never. */
export function ownFields(cls: ClassDef): [string, FieldDef][] {
  return Object.entries(cls.fields)
    .filter(([name]) => !['objectId', 'createdAt', 'updatedAt', 'ACL'].includes(name) && !isWriteOnly(cls.className, name))
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Whether a pointer/relation field's target class has types (it may have been deleted). */
export function targetExposed(ctx: GenContext, field: FieldDef): boolean {
  return !!field.targetClass && ctx.classes.has(field.targetClass);
}
