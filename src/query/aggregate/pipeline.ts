import type { ClassDef } from '../../schema/index.ts';
import { invalid, isObject, type WhereContext } from '../parse/state.ts';
import { parseCount, parseGroup } from './group.ts';
import { parseProject } from './project.ts';
import { initialShape, show, type Shape } from './shape.ts';
import { parseMatch, parsePaging, parseSort } from './stages.ts';
import type { AggregatePlan, Stage } from './types.ts';

/** Stages one pipeline may have: each can become a nested SELECT. */
export const MAX_STAGES = 50;

const SUPPORTED = '$match, $group, $project, $sort, $limit, $skip and $count';

/** A stage's name and argument: an object with exactly one key (Parse's rule and message). */
function nameAndSpec(stage: unknown): [string, unknown] {
  if (!isObject(stage)) invalid(`Each pipeline stage must be an object such as {"$match": {…}}, got ${show(stage)}`);
  const keys = Object.keys(stage);
  if (keys.length !== 1) invalid(`Pipeline stages should only have one key but found ${keys.length ? keys.join(', ') : 'none'}.`);
  return [keys[0], stage[keys[0]]];
}

function parseStage(name: string, spec: unknown, shape: Shape, ctx: WhereContext): { stage: Stage; shape: Shape } {
  switch (name) {
    case '$match':
      return { stage: parseMatch(spec, shape, ctx), shape };
    case '$group':
      return parseGroup(spec, shape);
    case '$count':
      return parseCount(spec, shape);
    case '$project':
      return parseProject(spec, shape);
    case '$sort':
      return { stage: parseSort(spec, shape), shape };
    case '$limit':
    case '$skip':
      return { stage: parsePaging(name === '$limit' ? 'limit' : 'skip', spec), shape };
  }
  if (!name.startsWith('$')) invalid(`Invalid aggregate stage '${name}'.`);
  return invalid(`Unsupported aggregate stage ${name}: the stages are ${SUPPORTED}`);
}

/**
 * Checks a Parse aggregate pipeline (a list of one-key stage objects, as `aggregate/<Class>`
 * takes it) against a class and resolves every field reference, stage by stage, against the
 * fields the previous stage outputs. Malformed stages, unknown fields and values of the wrong
 * type are ParseErrors (102; 105 for a bad output name; 111 for an unstorable value), so that
 * nothing wrong reaches SQL.
 */
export function parsePipeline(pipeline: unknown, cls: ClassDef, ctx: WhereContext): AggregatePlan {
  if (!Array.isArray(pipeline)) invalid(`An aggregate pipeline must be a list of stages, got ${show(pipeline)}`);
  if (pipeline.length > MAX_STAGES) invalid(`An aggregate pipeline may have at most ${MAX_STAGES} stages`);
  let shape = initialShape(cls);
  const stages: Stage[] = [];
  for (const item of pipeline) {
    const [name, spec] = nameAndSpec(item);
    const next = parseStage(name, spec, shape, ctx);
    stages.push(next.stage);
    shape = next.shape;
  }
  return { cls, stages, output: [...shape.fields.values()] };
}
