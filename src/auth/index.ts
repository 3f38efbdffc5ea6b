export { resolveAuth, NO_SESSIONS, type SessionResolver, type Credentials } from './resolve.ts';
export { secretEquals } from './keys.ts';
export { registerPasswordHook } from './password-hook.ts';
export { Sessions, type Session, type NewSession, type CreatedWith } from './sessions.ts';
export { sessionResolver } from './session-resolver.ts';
export { Accounts, type AccountDeps, type LoggedIn, type RequestOrigin } from './accounts/index.ts';
export { createEmailFlows, type EmailFlows } from './email/index.ts';
export { createMailAdapter, type MailAdapter, type MailMessage } from './mail/index.ts';
export { createAuthProviders, type AuthProviders, type ValidatedAuth } from './providers/index.ts';
export {
  requestAuthenticator,
  refusalBody,
  REFUSED_APP_ID,
  REFUSED_MASTER_KEY_IP,
  type RequestAuthOptions,
  type RequestCredentials,
  type RequestAuthResult,
  type Refusal,
} from './request-auth.ts';
export { sessionTokenOf, PARSE_REQUEST_HEADERS } from './credentials.ts';
