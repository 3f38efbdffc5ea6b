import type { ClassDef, FieldDef } from '../../schema/index.ts';
import type { Ref } from '../builder.ts';
import { inp } from '../type-spec.ts';
import { arrayItemsInputName, incrementInputName } from '../inflection.ts';
import { ARRAY_OPERATIONS } from '../write-input.ts';
import type { GenContext } from './context.ts';
import { writableFields } from './inputs.ts';

const ARRAY_DESCRIPTIONS: Record<string, string> = {
  Add: 'Appends the items to Array fields, atomically (Parse’s Add).',
  AddUnique: 'Appends the items an Array field does not hold yet, atomically (Parse’s AddUnique).',
  Remove: 'Removes every occurrence of the items from Array fields, atomically (Parse’s Remove).',
};

/*
 * Parse's atomic operations in GraphQL updates, which Parse's own GraphQL API lacks (its REST
 * API has them): optional fields beside `fields` in `UpdatePostInput`, so Parse's documents
 * stay valid as they are —
 *   updatePost(input: {id, increment: {views: 1}, addUniqueToArray: {tags: ["a"]}})
 * Each is applied in SQL against the stored value, so concurrent updates all count.
 */

function fieldsOf(cls: ClassDef, type: FieldDef['type']): string[] {
  return writableFields(cls)
    .filter(([, field]) => field.type === type)
    .map(([name]) => name);
}

/** Declares `IncrementPostFieldsInput` (when Post has Number fields) and `PostArrayItemsInput` (when it has Array fields). */
export function declareAtomicInputs(ctx: GenContext, cls: ClassDef): void {
  const b = ctx.builder as Ref;
  if (fieldsOf(cls, 'Number').length) ctx.refs.set(incrementInputName(cls.className), b.inputRef(incrementInputName(cls.className)));
  if (fieldsOf(cls, 'Array').length) ctx.refs.set(arrayItemsInputName(cls.className), b.inputRef(arrayItemsInputName(cls.className)));
}

/** Their fields: each Number field takes the amount to add (negative subtracts); each Array field the items. */
export function implementAtomicInputs(ctx: GenContext, cls: ClassDef): void {
  const c = cls.className;
  if (ctx.refs.has(incrementInputName(c))) {
    ctx.refs.get(incrementInputName(c)).implement({
      fields: (t: Ref) => Object.fromEntries(fieldsOf(cls, 'Number').map((name) => [name, t.field(inp('Float', ''))])),
    });
  }
  if (ctx.refs.has(arrayItemsInputName(c))) {
    ctx.refs.get(arrayItemsInputName(c)).implement({
      fields: (t: Ref) => Object.fromEntries(fieldsOf(cls, 'Array').map((name) => [name, t.field(inp(ctx.refs.get('Any'), '[]'))])),
    });
  }
}

/** The operation fields of `UpdatePostInput`, for the inputs the class has. */
export function atomicUpdateFields(ctx: GenContext, cls: ClassDef, t: Ref): Record<string, Ref> {
  const fields: Record<string, Ref> = {};
  const c = cls.className;
  if (ctx.refs.has(incrementInputName(c))) {
    fields.increment = t.field({
      ...inp(ctx.refs.get(incrementInputName(c)), ''),
      description: 'Adds to Number fields in the database, atomically (Parse’s Increment; a negative amount subtracts).',
    });
  }
  if (ctx.refs.has(arrayItemsInputName(c))) {
    const items = ctx.refs.get(arrayItemsInputName(c));
    for (const [name, op] of Object.entries(ARRAY_OPERATIONS)) fields[name] = t.field({ ...inp(items, ''), description: ARRAY_DESCRIPTIONS[op] });
  }
  return fields;
}
