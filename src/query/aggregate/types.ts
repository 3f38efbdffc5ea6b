import type { ClassDef, FieldType } from '../../schema/index.ts';
import type { Condition } from '../ast.ts';

/**
 * A field visible at some point of a pipeline: a column of the class, or an output of an
 * earlier stage. Its type decides what later stages may do with it and how its value is
 * returned in Parse's JSON.
 */
export interface AggField {
  name: string;
  type: FieldType;
  /** Target class of a Pointer. */
  targetClass?: string;
  /**
   * A null is returned as null (group keys and accumulators, as Parse returns them); otherwise a
   * field without a value is left out of the result, as Parse leaves out unset fields.
   */
  keepNull: boolean;
}

/** Parse's (MongoDB's) date operators in group keys, each the part of the UTC date it extracts. */
export const DATE_PARTS = [
  'year',
  'month',
  'week',
  'dayOfMonth',
  'dayOfWeek',
  'dayOfYear',
  'hour',
  'minute',
  'second',
  'millisecond',
  'isoWeek',
  'isoWeekYear',
  'isoDayOfWeek',
] as const;

export type DatePart = (typeof DATE_PARTS)[number];

/** One value a group key is made of: a field's value, or a part of a Date field. */
export interface KeyPart {
  source: AggField;
  datePart?: DatePart;
}

/**
 * `_id` of a $group. `none`: everything is one group (`_id: null`, and $count); `value`: one
 * value per group (`'$field'`, `{$year: '$date'}`); `object`: a composite key
 * (`{author: '$author', year: {$year: '$createdAt'}}`), returned as an object.
 */
export type GroupKey = { kind: 'none' } | { kind: 'value'; part: KeyPart } | { kind: 'object'; parts: { name: string; part: KeyPart }[] };

export type AccumulatorOp = 'sum' | 'avg' | 'min' | 'max' | 'count';

/** One computed field of a $group. */
export interface Accumulator {
  output: AggField;
  op: AccumulatorOp;
  /** The field aggregated; absent for `count` and for a `sum` of a constant. */
  source?: AggField;
  /** `$sum: n` adds n per object (so `$sum: 1` counts). */
  constant?: number;
}

export interface SortKey {
  field: AggField;
  /** A path inside an Object field (`objectId.year` after a composite group key). */
  path?: string[];
  descending: boolean;
}

/**
 * A checked pipeline stage. Field references are resolved against the fields visible before
 * the stage, and every output field already carries its type: the SQL compiler only places
 * them. A `$count` is a group with no key output.
 */
export type Stage =
  | { kind: 'match'; where: Condition }
  | { kind: 'group'; key: GroupKey; keyOutput?: AggField; accumulators: Accumulator[] }
  | { kind: 'sort'; keys: SortKey[] }
  | { kind: 'limit'; count: number }
  | { kind: 'skip'; count: number }
  | { kind: 'project'; fields: { output: AggField; source: AggField }[] };

/** A pipeline ready to compile: its class, its stages, and the fields each result row has. */
export interface AggregatePlan {
  cls: ClassDef;
  stages: Stage[];
  output: AggField[];
}

/** The field `distinct` returns the values of; an Array field's elements are returned one by one. */
export interface DistinctField {
  name: string;
  type: FieldType;
  targetClass?: string;
  /** A path inside an Object field (`meta.color`). */
  path?: string[];
}
