import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { inp, out } from '../type-spec.ts';
import type { ChallengeInput } from '../../auth/accounts/index.ts';
import { originOf } from './user-selection.ts';

/** `challenge`: Parse's pre-login step for providers that need one (see Accounts.challenge). */
export function challengeMutation(refs: Refs, t: Ref): Ref {
  return t.field({
    ...out(refs.get('ChallengePayload'), ''),
    description: 'The challenge mutation can be used to initiate an authentication challenge when an auth adapter needs it.',
    args: { input: t.arg(inp(refs.get('ChallengeInput'), '!')) },
    resolve: async (_r: unknown, { input }: { input: ChallengeInput & { clientMutationId?: string | null } }, c: GraphQLContext) => ({
      challengeData: await c.accounts.challenge(input, originOf(c)),
      clientMutationId: input.clientMutationId ?? null,
    }),
  });
}
