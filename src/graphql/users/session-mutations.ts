import type { GraphQLResolveInfo } from 'graphql';
import type { LoggedIn } from '../../auth/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Ref } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import type { GenContext } from '../generators/context.ts';
import { inp, out } from '../type-spec.ts';
import { toWriteInput } from '../write-input.ts';
import { originOf, viewerUserFields } from './user-selection.ts';

type Fields = Record<string, unknown> | null | undefined;
interface WithId {
  clientMutationId?: string | null;
}

const viewerPayload = (loggedIn: LoggedIn, input: WithId) => ({
  viewer: { sessionToken: loggedIn.sessionToken, user: loggedIn.user },
  clientMutationId: input.clientMutationId ?? null,
});

/** signUp, logInWith, logIn, logOut: Parse's mutations, each answering with the viewer it started. */
export function sessionMutations(ctx: GenContext, user: ClassDef, t: Ref): Record<string, Ref> {
  const { refs } = ctx;
  const field = (name: string, description: string, resolve: (input: any, c: GraphQLContext, info: GraphQLResolveInfo) => Promise<unknown>) =>
    t.field({
      ...out(refs.get(`${name}Payload`), ''),
      description,
      args: { input: t.arg(inp(refs.get(`${name}Input`), '!')) },
      resolve: (_r: unknown, { input }: { input: any }, c: GraphQLContext, info: GraphQLResolveInfo) => resolve(input, c, info),
    });
  return {
    signUp: field('SignUp', 'The signUp mutation can be used to create and sign up a new user.', async (input: WithId & { fields?: Fields }, c, info) => {
      const fields = toWriteInput(user, ctx.all, input.fields);
      return viewerPayload(await c.accounts.signUp(fields, originOf(c), viewerUserFields(info, user, 'SignUpPayload'), c.auth), input);
    }),
    logInWith: field(
      'LogInWith',
      'The logInWith mutation can be used to signup, login user with 3rd party authentication system. This mutation create a user if the authData do not correspond to an existing one.',
      async (input: WithId & { authData: Record<string, unknown>; fields?: Fields }, c, info) => {
        const fields = toWriteInput(user, ctx.all, input.fields);
        return viewerPayload(await c.accounts.logInWith(input.authData, fields, originOf(c), viewerUserFields(info, user, 'LogInWithPayload'), c.auth), input);
      },
    ),
    logIn: field(
      'LogIn',
      'The logIn mutation can be used to log in an existing user.',
      async (input: WithId & { username: string; password: string }, c, info) => {
        return viewerPayload(await c.accounts.logIn(input.username, input.password, originOf(c), viewerUserFields(info, user, 'LogInPayload')), input);
      },
    ),
    logOut: field('LogOut', 'The logOut mutation can be used to log out an existing user.', async (input: WithId, c) => {
      await c.accounts.logOut(c.auth);
      return { ok: true, clientMutationId: input.clientMutationId ?? null };
    }),
  };
}
