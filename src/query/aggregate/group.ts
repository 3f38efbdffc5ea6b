import type { FieldType } from '../../schema/index.ts';
import { invalid, isObject, lookupTable } from '../parse/state.ts';
import { derivedShape, fieldRef, outputName, show, type Shape } from './shape.ts';
import { DATE_PARTS, type Accumulator, type AccumulatorOp, type AggField, type DatePart, type GroupKey, type KeyPart, type Stage } from './types.ts';

/** Fields one stage may name (a composite key is one jsonb_build_object call, which takes at most 100 arguments). */
export const MAX_STAGE_FIELDS = 50;

const ACCUMULATORS = lookupTable<AccumulatorOp>({ $sum: 'sum', $avg: 'avg', $min: 'min', $max: 'max', $count: 'count' });
const DATE_OPERATORS = lookupTable<DatePart>(Object.fromEntries(DATE_PARTS.map((p) => ['$' + p, p])));

/** PostgreSQL has no equality for points and polygons, so they cannot key a group. */
const UNGROUPABLE = new Set<FieldType>(['GeoPoint', 'Polygon']);
/** Types with an order, which $min and $max need. */
const ORDERED = new Set<FieldType>(['Number', 'String', 'Date', 'Boolean', 'Pointer', 'File']);

/** A pointer leaves a group as the objectId it holds (Parse groups pointers by objectId). */
function groupedType(field: AggField): FieldType {
  return field.type === 'Pointer' ? 'String' : field.type;
}

function keyPart(shape: Shape, value: unknown, context: string): KeyPart {
  if (isObject(value)) {
    const ops = Object.keys(value);
    const datePart = ops.length === 1 ? DATE_OPERATORS[ops[0]] : undefined;
    if (!datePart) invalid(`${context}: expected a field reference such as "$author" or a date operator such as {"$year": "$createdAt"}, got ${show(value)}`);
    const source = fieldRef(shape, value[ops[0]], `${context} ${ops[0]}`);
    if (source.type !== 'Date') invalid(`${context}: ${ops[0]} applies to Date fields, and ${source.name} is a ${source.type}`);
    return { source, datePart };
  }
  const source = fieldRef(shape, value, context);
  if (UNGROUPABLE.has(source.type)) invalid(`${context}: cannot group by ${source.type} field ${source.name}`);
  return { source };
}

/** `_id` of a $group: null (one group), a reference or date operator, or an object of them. */
function groupKey(shape: Shape, value: unknown): GroupKey {
  if (value === null) return { kind: 'none' };
  const isDateOperator = isObject(value) && Object.keys(value).length === 1 && Object.keys(value)[0].startsWith('$');
  if (typeof value === 'string' || isDateOperator) return { kind: 'value', part: keyPart(shape, value, '$group _id') };
  if (!isObject(value)) invalid(`$group _id must be null, a field reference such as "$author", or an object of them; got ${show(value)}`);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return { kind: 'none' };
  if (entries.length > MAX_STAGE_FIELDS) invalid(`$group _id has more than ${MAX_STAGE_FIELDS} fields`);
  return { kind: 'object', parts: entries.map(([name, v]) => ({ name: outputName(name), part: keyPart(shape, v, `$group _id.${name}`) })) };
}

function keyType(key: GroupKey): FieldType {
  if (key.kind === 'object') return 'Object';
  if (key.kind === 'none') return 'String';
  return key.part.datePart ? 'Number' : groupedType(key.part.source);
}

function accumulator(shape: Shape, name: string, value: unknown): Accumulator {
  const ops = isObject(value) ? Object.keys(value) : [];
  const op = ops.length === 1 ? ACCUMULATORS[ops[0]] : undefined;
  if (!isObject(value) || !op) invalid(`$group field ${name}: expected one of $sum, $avg, $min, $max, $count, such as {"$sum": "$views"}; got ${show(value)}`);
  const operand = value[ops[0]];
  const context = `$group field ${name} ${ops[0]}`;
  const number = (source?: AggField, constant?: number): Accumulator => ({ output: { name, type: 'Number', keepNull: true }, op, source, constant });
  if (op === 'count') {
    if (!isObject(operand) || Object.keys(operand).length) invalid(`${context}: takes no argument, write {"$count": {}}`);
    return number();
  }
  if (op === 'sum' && typeof operand === 'number') {
    if (!Number.isFinite(operand)) invalid(`${context}: ${operand} is not a finite number`);
    return number(undefined, operand);
  }
  const source = fieldRef(shape, operand, context);
  if (op === 'sum' || op === 'avg') {
    if (source.type !== 'Number') invalid(`${context}: applies to Number fields, and ${source.name} is a ${source.type}`);
    return number(source);
  }
  if (!ORDERED.has(source.type)) invalid(`${context}: ${source.type} values have no order`);
  return { output: { name, type: groupedType(source), keepNull: true }, op, source };
}

/**
 * Checks a $group: `_id` (required; `objectId` is refused, as Parse does) and accumulators
 * over the fields of the previous stage. The result has `objectId` (the key) and one field
 * per accumulator.
 */
export function parseGroup(spec: unknown, shape: Shape): { stage: Stage; shape: Shape } {
  if (!isObject(spec)) invalid('$group must be an object');
  if (Object.hasOwn(spec, 'objectId')) invalid("Cannot use 'objectId' in aggregation stage $group.");
  if (!Object.hasOwn(spec, '_id')) invalid('Invalid parameter for query: group. Missing key _id');
  const entries = Object.entries(spec).filter(([k, v]) => k !== '_id' && v !== undefined);
  if (entries.length > MAX_STAGE_FIELDS) invalid(`$group has more than ${MAX_STAGE_FIELDS} fields`);
  const key = groupKey(shape, spec._id);
  const keyOutput: AggField = { name: 'objectId', type: keyType(key), keepNull: true };
  const accumulators = entries.map(([name, value]) => accumulator(shape, outputName(name), value));
  return { stage: { kind: 'group', key, keyOutput, accumulators }, shape: derivedShape(shape, [keyOutput, ...accumulators.map((a) => a.output)]) };
}

/** `$count: 'name'`: one result `{name: n}` with the number of objects, none when there are none. */
export function parseCount(spec: unknown, shape: Shape): { stage: Stage; shape: Shape } {
  if (typeof spec !== 'string') invalid(`$count must be the name of the field to put the count in, got ${show(spec)}`);
  const output: AggField = { name: outputName(spec), type: 'Number', keepNull: true };
  return { stage: { kind: 'group', key: { kind: 'none' }, accumulators: [{ output, op: 'count' }] }, shape: derivedShape(shape, [output]) };
}
