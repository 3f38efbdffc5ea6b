import { invalid, isObject } from '../parse/state.ts';
import { MAX_STAGE_FIELDS } from './group.ts';
import { derivedShape, fieldName, fieldRef, outputName, show, type Shape } from './shape.ts';
import type { AggField, Stage } from './types.ts';

/**
 * Checks a $project, with MongoDB's rules: `{field: 1}` keeps fields (objectId too, unless
 * `objectId: 0` — `_id` is objectId), `{field: 0}` drops fields and keeps the others, and
 * `{name: '$field'}` outputs a field under another name. Keeping and dropping other fields
 * than objectId in one $project is refused, as MongoDB refuses it.
 */
export function parseProject(spec: unknown, shape: Shape): { stage: Stage; shape: Shape } {
  if (!isObject(spec)) invalid('$project must be an object');
  const entries = Object.entries(spec).filter(([, v]) => v !== undefined);
  if (entries.length === 0) invalid('$project must name at least one field');
  if (entries.length > MAX_STAGE_FIELDS) invalid(`$project has more than ${MAX_STAGE_FIELDS} fields`);
  const kept = new Map<string, { output: AggField; source: AggField }>();
  const dropped = new Set<string>();
  let keepId = true;
  for (const [key, value] of entries) {
    const name = fieldName(key);
    const context = `$project ${key}`;
    if (value === 1 || value === true || value === 0 || value === false) {
      const source = fieldRef(shape, '$' + name, context);
      const keep = value === 1 || value === true;
      if (name === 'objectId') keepId = keep;
      else if (keep) kept.set(name, { output: source, source });
      else dropped.add(name);
    } else if (typeof value === 'string' && value.startsWith('$')) {
      const source = fieldRef(shape, value, context);
      kept.set(name, { output: { ...source, name: outputName(name) }, source });
    } else {
      invalid(`${context}: expected 1, 0 or a field reference such as "$title"; got ${show(value)}`);
    }
  }
  if (kept.size && dropped.size) invalid(`Cannot do exclusion on field ${[...dropped][0]} in inclusion projection`);
  const id = shape.fields.get('objectId');
  const fields: { output: AggField; source: AggField }[] = [];
  const inclusion = kept.size > 0 || (dropped.size === 0 && keepId);
  if (inclusion) {
    // Keeping: objectId first (unless dropped, or another field takes its name), then the kept fields.
    if (keepId && id && !kept.has('objectId')) fields.push({ output: id, source: id });
    fields.push(...kept.values());
  } else {
    for (const f of shape.fields.values()) if (!dropped.has(f.name) && (keepId || f.name !== 'objectId')) fields.push({ output: f, source: f });
  }
  return {
    stage: { kind: 'project', fields },
    shape: derivedShape(
      shape,
      fields.map((f) => f.output),
    ),
  };
}
