/** What a cloud statistics key names, as metric labels: the kind of handler and its name. */
export interface CloudLabels {
  type: 'function' | 'trigger' | 'job' | 'other';
  /** A function's or job's name; a trigger's kind and class (`beforeSave Post`). */
  name: string;
}

/**
 * The labels of a CloudStats key (cloud/registry.ts and cloud/webhooks/handlers.ts make them):
 * `function:<name>`, `job:<name>`, `trigger:<kind>:<class>:<index>`, and for webhooks
 * `webhook:function:<name>`, `webhook:<kind>:<class>`. Several triggers of one kind on a class
 * share their labels: a metric per registration index would change meaning with every edit.
 */
export function cloudLabels(key: string): CloudLabels {
  const [head, ...rest] = key.split(':');
  if (head === 'webhook')
    return rest[0] === 'function' ? { type: 'function', name: rest.slice(1).join(':') } : { type: 'trigger', name: `${rest[0]} ${rest[1]}` };
  if (head === 'function' || head === 'job') return { type: head, name: rest.join(':') };
  if (head === 'trigger') return { type: 'trigger', name: `${rest[0]} ${rest[1]}` };
  return { type: 'other', name: key };
}
