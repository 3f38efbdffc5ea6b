import type { FieldType } from '../../schema/index.ts';
import { initialShape } from '../aggregate/shape.ts';
import type { AggField, AggregatePlan, KeyPart, SortKey, Stage } from '../aggregate/types.ts';
import type { SqlContext } from './context.ts';
import { accumulatorSql, datePartSql, jsonValueSql } from './aggregate-values.ts';
import { baseLevel, isPaged, renderLevel, wrapLevel, type Level, type LevelField } from './aggregate-level.ts';
import { compileCondition } from './where.ts';

type Of<K extends Stage['kind']> = Extract<Stage, { kind: K }>;

function sqlOf(level: Level, field: AggField): string {
  return level.fields.get(field.name)!.sql;
}

function match(level: Level, stage: Of<'match'>, ctx: SqlContext): Level {
  if (stage.where.kind === 'const' && stage.where.value) return level;
  const target = level.plain && !level.groupBy && !isPaged(level) ? level : wrapLevel(level, ctx);
  return { ...target, where: [...target.where, compileCondition(stage.where, target.alias, ctx)] };
}

function group(before: Level, stage: Of<'group'>, ctx: SqlContext): Level {
  const level = before.groupBy || isPaged(before) ? wrapLevel(before, ctx, false) : before;
  const part = (p: KeyPart) => (p.datePart ? datePartSql(sqlOf(level, p.source), p.datePart) : sqlOf(level, p.source));
  const { key } = stage;
  let keySql = 'NULL::text';
  let groupBy: string[] = [];
  if (key.kind === 'value') {
    keySql = part(key.part);
    groupBy = [keySql];
  } else if (key.kind === 'object') {
    const parts = key.parts.map((p) => ({ name: p.name, sql: part(p.part), type: (p.part.datePart ? 'Number' : p.part.source.type) as FieldType }));
    keySql = `jsonb_build_object(${parts.map((p) => `${ctx.params.add(p.name)}::text, ${jsonValueSql(p.sql, p.type)}`).join(', ')})`;
    groupBy = [...new Set(parts.map((p) => p.sql))];
  }
  const fields = new Map<string, LevelField>();
  if (stage.keyOutput) fields.set(stage.keyOutput.name, { sql: keySql, field: stage.keyOutput });
  for (const acc of stage.accumulators)
    fields.set(acc.output.name, { sql: accumulatorSql(acc, acc.source && sqlOf(level, acc.source), ctx), field: acc.output });
  // One group of everything: SQL would return a row for no input at all, MongoDB returns none.
  const having = key.kind === 'none' ? 'count(*) > 0' : undefined;
  return { ...level, fields, plain: false, groupBy, having, orderBy: [] };
}

/** ORDER BY for sort keys, with objectId (unique in a class and per group) breaking ties so that pages are stable. */
function sort(before: Level, keys: readonly SortKey[], ctx: SqlContext): Level {
  const level = isPaged(before) ? wrapLevel(before, ctx, false) : before;
  const orderBy = keys.map((k) => {
    const value = k.path ? `(${sqlOf(level, k.field)} #> ${ctx.params.add(k.path)}::text[])` : sqlOf(level, k.field);
    return k.descending ? `${value} DESC` : value;
  });
  const id = level.fields.get('objectId');
  if (id && !keys.some((k) => k.field.name === 'objectId' && !k.path)) orderBy.push(id.sql);
  return { ...level, orderBy };
}

function project(level: Level, stage: Of<'project'>): Level {
  const fields = new Map<string, LevelField>();
  for (const { output, source } of stage.fields) fields.set(output.name, { sql: sqlOf(level, source), field: output });
  const renames = stage.fields.some((f) => f.output.name !== f.source.name);
  return { ...level, fields, plain: level.plain && !renames };
}

function apply(level: Level, stage: Stage, ctx: SqlContext): Level {
  switch (stage.kind) {
    case 'match':
      return match(level, stage, ctx);
    case 'group':
      return group(level, stage, ctx);
    case 'sort':
      return sort(level, stage.keys, ctx);
    case 'project':
      return project(level, stage);
    // SQL skips (OFFSET) before it limits: a $skip after a $limit shortens the limit.
    case 'limit':
      return { ...level, limit: Math.min(level.limit ?? Infinity, stage.count) };
    case 'skip':
      return { ...level, offset: level.offset + stage.count, limit: level.limit === undefined ? undefined : Math.max(level.limit - stage.count, 0) };
  }
}

/**
 * Compiles a checked pipeline (parsePipeline) to one SELECT: stages fill one level's clauses
 * and nest as subqueries where SQL's clause order requires (see Level). Columns come out in
 * the order of `plan.output`. Every name is quoted and every value a parameter; $match
 * conditions compile as a find's where does, subqueries with the caller's read filter.
 */
export function compileAggregate(plan: AggregatePlan, ctx: SqlContext): string {
  let level = baseLevel(plan.cls, initialShape(plan.cls).fields.values());
  for (const stage of plan.stages) level = apply(level, stage, ctx);
  return renderLevel(level, ctx, true);
}
