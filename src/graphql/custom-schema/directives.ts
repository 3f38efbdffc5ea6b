import { Kind, parse, valueFromASTUntyped, type DirectiveDefinitionNode, type DirectiveNode, type FieldDefinitionNode } from 'graphql';

/** The two directives a custom schema may use, declared as Parse declares them. */
export const DIRECTIVE_DEFINITIONS = parse(`
  directive @resolve(to: String) on FIELD_DEFINITION
  directive @mock(with: Any!) on FIELD_DEFINITION
`).definitions as readonly DirectiveDefinitionNode[];

export const CUSTOM_DIRECTIVES = new Set(['resolve', 'mock']);

/** How a custom field gets its value. */
export type FieldSource =
  /** `@resolve(to: "fn")`: the cloud function (the field's own name when `to` is absent or empty). */
  | { kind: 'function'; name: string }
  /** `@mock(with: value)`: always this value. */
  | { kind: 'mock'; value: unknown }
  /** Neither: GraphQL's default resolver (the parent's property; null on Query and Mutation). */
  | { kind: 'default' };

function directive(field: FieldDefinitionNode, name: string): DirectiveNode | undefined {
  return field.directives?.find((d) => d.name.value === name);
}

function argument(node: DirectiveNode, name: string) {
  return node.arguments?.find((a) => a.name.value === name)?.value;
}

/**
 * Reads a field's directives (already checked by checkDocument). With both, `@mock` wins, as in
 * Parse Server, which applies `@resolve` and then `@mock` over it.
 */
export function fieldSource(field: FieldDefinitionNode): FieldSource {
  const mock = directive(field, 'mock');
  if (mock) return { kind: 'mock', value: valueFromASTUntyped(argument(mock, 'with')!) };
  const resolve = directive(field, 'resolve');
  if (!resolve) return { kind: 'default' };
  const to = argument(resolve, 'to');
  return { kind: 'function', name: (to?.kind === Kind.STRING && to.value) || field.name.value };
}
