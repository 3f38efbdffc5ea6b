export { parsePipeline, MAX_STAGES } from './pipeline.ts';
export { parseDistinctField } from './distinct.ts';
export { MAX_STAGE_FIELDS } from './group.ts';
export { compileAggregate } from '../sql/aggregate.ts';
export { compileDistinct } from '../sql/aggregate-distinct.ts';
export type { AggField, AggregatePlan, Accumulator, AccumulatorOp, DatePart, DistinctField, GroupKey, KeyPart, SortKey, Stage } from './types.ts';
