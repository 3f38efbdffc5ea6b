import type { GraphQLResolveInfo } from 'graphql';
import { errors } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { out } from '../type-spec.ts';
import type { ViewerValue } from './types.ts';
import { viewerUserFields } from './user-selection.ts';
import { requestSessionToken } from './session-token.ts';

/**
 * `viewer: Viewer!` — the request's own session token and user; 209 without a session (the
 * master key is no user). The token is the one the request carried, read from its headers.
 */
export function viewerQuery(refs: Refs, user: ClassDef, t: Ref): Ref {
  return t.field({
    ...out(refs.get('Viewer'), '!'),
    description: 'The viewer query can be used to return the current user data.',
    resolve: async (_r: unknown, _a: unknown, c: GraphQLContext, info: GraphQLResolveInfo): Promise<ViewerValue> => {
      const sessionToken = requestSessionToken(c);
      if (!sessionToken) throw errors.invalidSessionToken();
      return { sessionToken, user: await c.accounts.viewer(c.auth, viewerUserFields(info, user)) };
    },
  });
}
