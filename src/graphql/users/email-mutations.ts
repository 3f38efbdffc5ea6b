import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { inp, out } from '../type-spec.ts';

interface WithId {
  clientMutationId?: string | null;
}

/**
 * resetPassword, confirmResetPassword, sendVerificationEmail: Parse's shapes, answered by the
 * email flows (`ctx.emailFlows`), which keep every rule (tokens, policy, no account probing).
 */
export function emailMutations(refs: Refs, t: Ref): Record<string, Ref> {
  const field = (name: string, description: string, run: (input: any, c: GraphQLContext) => Promise<void>) =>
    t.field({
      ...out(refs.get(`${name}Payload`), ''),
      description,
      args: { input: t.arg(inp(refs.get(`${name}Input`), '!')) },
      resolve: async (_r: unknown, { input }: { input: WithId }, c: GraphQLContext) => {
        await run(input, c);
        return { ok: true, clientMutationId: input.clientMutationId ?? null };
      },
    });
  return {
    resetPassword: field('ResetPassword', 'The resetPassword mutation can be used to reset the password of an existing user.', (input: { email: string }, c) =>
      c.emailFlows.requestPasswordReset(input.email, c.auth),
    ),
    confirmResetPassword: field(
      'ConfirmResetPassword',
      'The confirmResetPassword mutation can be used to reset the password of an existing user.',
      (input: { username: string; password: string; token: string }, c) => c.emailFlows.confirmPasswordReset(input.username, input.token, input.password),
    ),
    sendVerificationEmail: field(
      'SendVerificationEmail',
      'The sendVerificationEmail mutation can be used to send the verification email again.',
      (input: { email: string }, c) => c.emailFlows.sendVerificationEmail(input.email),
    ),
  };
}
