import type { ClassDef } from '../../schema/index.ts';
import type { Ref } from '../builder.ts';
import { createFieldsInputName, pointerInputName, relationInputName, typeName } from '../inflection.ts';
import { inp, out } from '../type-spec.ts';
import { targetExposed, type GenContext } from '../generators/context.ts';
import { SCALAR_INPUT } from '../generators/inputs.ts';

/** The object a Viewer resolves from: the session token (shown to its own client only) and the user. */
export interface ViewerValue {
  sessionToken: string;
  user: unknown;
}

const OK_PAYLOADS = ['LogOut', 'ResetPassword', 'ConfirmResetPassword', 'SendVerificationEmail'];

/**
 * UserLoginWithInput: the fields of CreateUserFieldsInput without username, password and
 * authData (Parse derives it the same way), all optional.
 */
function loginWithFields(ctx: GenContext, user: ClassDef, t: Ref): Record<string, Ref> {
  const fields: Record<string, Ref> = { ACL: t.field(inp(ctx.refs.get('ACLInput'), '')) };
  const skip = new Set(['objectId', 'createdAt', 'updatedAt', 'ACL', 'username', 'password', 'authData']);
  for (const [name, field] of Object.entries(user.fields).sort(([a], [b]) => a.localeCompare(b))) {
    if (skip.has(name)) continue;
    if (field.type === 'Pointer' || field.type === 'Relation') {
      if (!targetExposed(ctx, field)) continue;
      fields[name] = t.field(inp(ctx.refs.get((field.type === 'Pointer' ? pointerInputName : relationInputName)(field.targetClass!)), ''));
      continue;
    }
    const scalar = SCALAR_INPUT[field.type];
    if (scalar) fields[name] = t.field(inp(ctx.refs.get(scalar[0]), scalar[1]));
  }
  return fields;
}

/**
 * Parse's types of the Users API, exactly as Parse Server 9 names and wraps them: Viewer,
 * SignUpInput/Payload, LogInInput/Payload, LogInWithInput/Payload, UserLoginWithInput,
 * LogOutInput/Payload, ResetPassword…, ConfirmResetPassword…, SendVerificationEmail…,
 * ChallengeInput/Payload.
 */
export function defineUsersTypes(ctx: GenContext, user: ClassDef): void {
  const { refs } = ctx;
  const b = ctx.builder as Ref;
  const input = (name: string, fields: (t: Ref) => Record<string, Ref>) => refs.set(name, b.inputType(name, { fields }));
  const clientMutationId = (t: Ref) => t.field(inp('String', ''));
  const echo = (t: Ref) => t.field({ ...out('String', ''), resolve: (p: { clientMutationId?: string | null }) => p.clientMutationId ?? null });

  refs.set(
    'Viewer',
    b.objectRef('Viewer').implement({
      description: 'The Viewer object type is used in operations that involve outputting the current user data.',
      fields: (t: Ref) => ({
        sessionToken: t.field({ ...out('String', '!'), description: 'The current user session token.', resolve: (v: ViewerValue) => v.sessionToken }),
        user: t.field({ ...out(refs.get(typeName('_User')), '!'), description: 'This is the current user.', resolve: (v: ViewerValue) => v.user }),
      }),
    }),
  );
  const viewerPayload = (name: string) =>
    refs.set(
      name,
      b.objectRef(name).implement({
        fields: (t: Ref) => ({
          viewer: t.field({ ...out(refs.get('Viewer'), '!'), resolve: (p: { viewer: ViewerValue }) => p.viewer }),
          clientMutationId: echo(t),
        }),
      }),
    );

  input('SignUpInput', (t) => ({ fields: t.field(inp(refs.get(createFieldsInputName('_User')), '')), clientMutationId: clientMutationId(t) }));
  viewerPayload('SignUpPayload');
  refs.set('UserLoginWithInput', b.inputType('UserLoginWithInput', { fields: (t: Ref) => loginWithFields(ctx, user, t) }));
  input('LogInWithInput', (t) => ({
    authData: t.field(inp('Object', '!')),
    fields: t.field(inp(refs.get('UserLoginWithInput'), '')),
    clientMutationId: clientMutationId(t),
  }));
  viewerPayload('LogInWithPayload');
  input('LogInInput', (t) => ({
    username: t.field({ ...inp('String', '!'), description: 'This is the username used to log in the user.' }),
    password: t.field({ ...inp('String', '!'), description: 'This is the password used to log in the user.' }),
    authData: t.field({ ...inp('Object', ''), description: 'Auth data payload, needed if some required auth adapters are configured.' }),
    clientMutationId: clientMutationId(t),
  }));
  viewerPayload('LogInPayload');

  input('LogOutInput', (t) => ({ clientMutationId: clientMutationId(t) }));
  input('ResetPasswordInput', (t) => ({ email: t.field(inp('String', '!')), clientMutationId: clientMutationId(t) }));
  input('ConfirmResetPasswordInput', (t) => ({
    username: t.field(inp('String', '!')),
    password: t.field(inp('String', '!')),
    token: t.field(inp('String', '!')),
    clientMutationId: clientMutationId(t),
  }));
  input('SendVerificationEmailInput', (t) => ({ email: t.field(inp('String', '!')), clientMutationId: clientMutationId(t) }));
  for (const name of OK_PAYLOADS) {
    refs.set(
      `${name}Payload`,
      b.objectRef(`${name}Payload`).implement({
        fields: (t: Ref) => ({ ok: t.field({ ...out('Boolean', '!'), description: "It's always true.", resolve: () => true }), clientMutationId: echo(t) }),
      }),
    );
  }

  input('ChallengeInput', (t) => ({
    username: t.field(inp('String', '')),
    password: t.field(inp('String', '')),
    authData: t.field(inp('Object', '')),
    challengeData: t.field(inp('Object', '')),
    clientMutationId: clientMutationId(t),
  }));
  refs.set(
    'ChallengePayload',
    b.objectRef('ChallengePayload').implement({
      fields: (t: Ref) => ({
        challengeData: t.field({
          ...out('Object', ''),
          description: 'Challenge response from configured auth adapters.',
          resolve: (p: { challengeData: unknown }) => p.challengeData,
        }),
        clientMutationId: echo(t),
      }),
    }),
  );
}
