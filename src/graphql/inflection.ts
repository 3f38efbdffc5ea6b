import pluralize from 'pluralize';
export { toGlobalId, fromGlobalId, toObjectId } from '../schema/index.ts';

/**
 * Every generated GraphQL name comes from here, as Parse Server derives them, so that an app
 * written for Parse's /graphql finds the same names. Pure functions.
 */

/** `_User` → `User`, `post` → `Post`. */
export function typeName(className: string): string {
  const base = className.startsWith('_') ? className.slice(1) : className;
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** The get query and the payload field: `Post` → `post`. */
export function getQueryName(className: string): string {
  const t = typeName(className);
  return t.charAt(0).toLowerCase() + t.slice(1);
}

/** What the find query of a class whose plural is its singular ends with (`sheepList`). */
const FIND_SUFFIX = 'List';

/**
 * The find query: the plural of the get query (`post` → `posts`, `city` → `cities`). A name
 * whose plural is itself (`Sheep`, `Series`, `AllKinds`) would give both queries one name —
 * Parse Server then silently serves only the get query — so its find query takes `List`
 * instead: `sheep(id)` and `sheepList(where, …)`.
 */
export function findQueryName(className: string): string {
  const get = getQueryName(className);
  const plural = pluralize(get);
  return plural === get ? `${get}${FIND_SUFFIX}` : plural;
}

export const createMutationName = (c: string) => `create${typeName(c)}`;
export const updateMutationName = (c: string) => `update${typeName(c)}`;
export const deleteMutationName = (c: string) => `delete${typeName(c)}`;

export const connectionTypeName = (c: string) => `${typeName(c)}Connection`;
export const edgeTypeName = (c: string) => `${typeName(c)}Edge`;
export const whereInputName = (c: string) => `${typeName(c)}WhereInput`;
export const relationWhereInputName = (c: string) => `${typeName(c)}RelationWhereInput`;
export const orderEnumName = (c: string) => `${typeName(c)}Order`;
export const createFieldsInputName = (c: string) => `Create${typeName(c)}FieldsInput`;
export const updateFieldsInputName = (c: string) => `Update${typeName(c)}FieldsInput`;
export const pointerInputName = (c: string) => `${typeName(c)}PointerInput`;
/** Beyond Parse: the Number fields an update increments atomically (`increment: {views: 1}`). */
export const incrementInputName = (c: string) => `Increment${typeName(c)}FieldsInput`;
/** Beyond Parse: the Array fields an update adds to or removes from atomically (`addToArray: {tags: ["a"]}`). */
export const arrayItemsInputName = (c: string) => `${typeName(c)}ArrayItemsInput`;
export const relationInputName = (c: string) => `${typeName(c)}RelationInput`;
export const createInputName = (c: string) => `Create${typeName(c)}Input`;
export const createPayloadName = (c: string) => `Create${typeName(c)}Payload`;
export const updateInputName = (c: string) => `Update${typeName(c)}Input`;
export const updatePayloadName = (c: string) => `Update${typeName(c)}Payload`;
export const deleteInputName = (c: string) => `Delete${typeName(c)}Input`;
export const deletePayloadName = (c: string) => `Delete${typeName(c)}Payload`;
/** The event a subscription emits: `PostEvent { event post original }`. */
export const eventTypeName = (c: string) => `${typeName(c)}Event`;
/** The event-stream subscription: `postEvents(where, events)`. */
export const eventsSubscriptionName = (c: string) => `${getQueryName(c)}Events`;

/** Order enum value of a field: `views_ASC`. */
export const orderValueName = (field: string, descending: boolean) => `${field}_${descending ? 'DESC' : 'ASC'}`;

/** Every name a class puts into the schema: its types, root queries and root mutations (subscriptions follow from them). */
export function classNames(className: string): { types: string[]; queries: string[]; mutations: string[] } {
  return {
    types: [
      typeName(className),
      connectionTypeName(className),
      edgeTypeName(className),
      whereInputName(className),
      relationWhereInputName(className),
      orderEnumName(className),
      createFieldsInputName(className),
      updateFieldsInputName(className),
      pointerInputName(className),
      relationInputName(className),
      incrementInputName(className),
      arrayItemsInputName(className),
      createInputName(className),
      createPayloadName(className),
      updateInputName(className),
      updatePayloadName(className),
      deleteInputName(className),
      deletePayloadName(className),
      eventTypeName(className),
    ],
    queries: [getQueryName(className), findQueryName(className)],
    mutations: [createMutationName(className), updateMutationName(className), deleteMutationName(className)],
  };
}
