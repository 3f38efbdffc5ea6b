/** An object in Parse's REST JSON, as the admin API answers it. */
export type RestObject = { objectId: string; [field: string]: unknown };
export interface ObjectPage {
  objects: RestObject[];
  next: string | null;
}

export const OBJECTS = `query($className: String!, $where: JSON, $order: [String!], $first: Int, $after: String) {
  objects(className: $className, where: $where, order: $order, first: $first, after: $after) { objects next }
}`;

export const RELATED = `query($className: String!, $objectId: ID!, $field: String!) {
  related(className: $className, objectId: $objectId, field: $field, first: 500) { objects next }
}`;

/** A field value as text (a Date as its ISO string, anything else non-string as JSON). */
export function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && (value as { __type?: string }).__type === 'Date') return String((value as { iso?: string }).iso ?? '');
  return JSON.stringify(value);
}
