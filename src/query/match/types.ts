/** An object as core returns it (see core/object.ts): field name → value in the API's natural form. */
export type MatchObject = Readonly<Record<string, unknown>>;

/** A compiled condition: whether one object matches. Pure, allocation-free where possible. */
export type Predicate = (object: MatchObject) => boolean;

/** Reads the value a condition looks at; undefined when there is none. */
export type Getter = (object: MatchObject) => unknown;

export const ALWAYS: Predicate = () => true;
export const NEVER: Predicate = () => false;

/** Outcome of a three-way comparison (<0, 0, >0) for each ordering operator. */
export const ORDERING = {
  lt: (c: number) => c < 0,
  lte: (c: number) => c <= 0,
  gt: (c: number) => c > 0,
  gte: (c: number) => c >= 0,
} as const;
