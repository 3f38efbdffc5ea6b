import type { Ref } from '../builder.ts';
import type { GenContext } from '../generators/context.ts';
import { challengeMutation } from './challenge.ts';
import { emailMutations } from './email-mutations.ts';
import { sessionMutations } from './session-mutations.ts';
import { defineUsersTypes } from './types.ts';
import { viewerQuery } from './viewer.ts';

/**
 * The Users API of API.md: viewer, signUp, logIn, logInWith, logOut, resetPassword,
 * confirmResetPassword, sendVerificationEmail, challenge — with Parse's types (Viewer,
 * SignUpInput/Payload, …). Declared after the class types (it uses User and its inputs); absent
 * when _User has no types (a schema built without it).
 */
export function defineUsersApi(ctx: GenContext): { queries: (t: Ref) => Record<string, Ref>; mutations: (t: Ref) => Record<string, Ref> } {
  const user = ctx.classes.get('_User');
  if (!user) return { queries: () => ({}), mutations: () => ({}) };
  defineUsersTypes(ctx, user);
  return {
    queries: (t) => ({ viewer: viewerQuery(ctx.refs, user, t) }),
    mutations: (t) => ({
      ...sessionMutations(ctx, user, t),
      ...emailMutations(ctx.refs, t),
      challenge: challengeMutation(ctx.refs, t),
    }),
  };
}
