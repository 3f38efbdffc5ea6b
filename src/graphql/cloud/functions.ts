import { errors } from '../../errors/index.ts';
import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { inp, out } from '../type-spec.ts';

/** Function names that can be enum values (Parse lists only those in CloudCodeFunction). */
const GRAPHQL_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/**
 * The defined functions callCloudCode can name, in a stable order: names that can be enum
 * values. Left out: `true`, `false`, `null`, and names beginning with `__` (`__proto__`), which
 * GraphQL reserves for introspection — one such value would make the whole schema invalid.
 */
export function callableFunctions(names: Iterable<string>): string[] {
  return [...names].filter((n) => GRAPHQL_NAME.test(n) && !n.startsWith('__') && n !== 'true' && n !== 'false' && n !== 'null').sort();
}

/**
 * Parse's `CloudCodeFunction` enum and `callCloudCode(input: {functionName, params})` mutation,
 * answering `{result}` with the function's result as Parse JSON. Like Parse, neither exists
 * while no function is defined (an enum cannot be empty).
 */
export function defineCloudFunctionTypes(builder: Ref, refs: Refs, functionNames: readonly string[]): boolean {
  if (functionNames.length === 0) return false;
  refs.set(
    'CloudCodeFunction',
    builder.enumType('CloudCodeFunction', {
      description: 'The CloudCodeFunction enum type contains a list of all available cloud code functions.',
      values: Object.fromEntries(functionNames.map((name) => [name, { value: name }])),
    }),
  );
  refs.set(
    'CallCloudCodeInput',
    builder.inputType('CallCloudCodeInput', {
      fields: (t: Ref) => ({
        functionName: t.field({ ...inp(refs.get('CloudCodeFunction'), '!'), description: 'This is the function to be called.' }),
        params: t.field({ ...inp(refs.get('Object'), ''), description: 'These are the params to be passed to the function.' }),
        clientMutationId: t.field(inp('String', '')),
      }),
    }),
  );
  refs.set(
    'CallCloudCodePayload',
    builder.objectRef('CallCloudCodePayload').implement({
      fields: (t: Ref) => ({
        result: t.field({
          ...out(refs.get('Any'), ''),
          description: 'This is the result value of the cloud code function execution.',
          resolve: (p: { result: unknown }) => p.result,
        }),
        clientMutationId: t.field({ ...out('String', ''), resolve: (p: { clientMutationId?: string | null }) => p.clientMutationId ?? null }),
      }),
    }),
  );
  return true;
}

type CallInput = { functionName: string; params?: Record<string, unknown> | null; clientMutationId?: string | null };

/** The callCloudCode mutation field (when the types exist). */
export function cloudFunctionMutationFields(refs: Refs, t: Ref): Record<string, Ref> {
  return {
    callCloudCode: t.field({
      ...out(refs.get('CallCloudCodePayload'), ''),
      description: 'The callCloudCode mutation can be used to invoke a cloud code function.',
      args: { input: t.arg(inp(refs.get('CallCloudCodeInput'), '!')) },
      resolve: async (_r: unknown, { input }: { input: CallInput }, c: GraphQLContext) => {
        if (!c.cloud) throw errors.invalidQuery('Cloud code is not available on this server.');
        const result = await c.cloud.call(input.functionName, input.params ?? {}, c);
        return { result: c.cloud.encode(result), clientMutationId: input.clientMutationId ?? null };
      },
    }),
  };
}
