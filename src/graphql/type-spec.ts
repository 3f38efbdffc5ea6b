import type { Ref } from './builder.ts';

/**
 * GraphQL wrapping written the way SDL writes it, so generated types can mirror Parse's SDL
 * exactly (variable types in existing clients depend on it):
 * "" nullable, "!" non-null, "[]" / "[!]" / "[]!" / "[!]!" lists.
 */
export type Spec = '' | '!' | '[]' | '[!]' | '[]!' | '[!]!';

function parse(spec: Spec) {
  const list = spec.startsWith('[');
  const items = spec.includes('!]');
  const outer = spec.endsWith(']!') || spec === '!';
  return { list, items, outer };
}

/** Options for an output field of the given type and wrapping. */
export function out(type: Ref, spec: Spec): { type: Ref; nullable: boolean | { list: boolean; items: boolean } } {
  const s = parse(spec);
  return s.list ? { type: [type], nullable: { list: !s.outer, items: !s.items } } : { type, nullable: !s.outer };
}

/** Options for an argument or input field of the given type and wrapping. */
export function inp(type: Ref, spec: Spec): { type: Ref; required: boolean | { list: boolean; items: boolean } } {
  const s = parse(spec);
  return s.list ? { type: [type], required: { list: s.outer, items: s.items } } : { type, required: s.outer };
}
