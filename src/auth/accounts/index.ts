import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Database } from '../../db/index.ts';
import type { Core, ParseObject, WriteInput } from '../../core/index.ts';
import type { Auth, RoleResolver } from '../../security/index.ts';
import type { EmailFlows } from '../email/index.ts';
import type { AuthProviders } from '../providers/index.ts';
import type { Sessions } from '../sessions.ts';

export interface AccountDeps {
  db: Database;
  core: Core;
  sessions: Sessions;
  roles: RoleResolver;
  emailFlows: EmailFlows;
  providers: AuthProviders;
  config: AuthConfig;
  logger: Logger;
}

/** Where a request came from, for rate limits and the audit log. */
export interface RequestOrigin {
  ip?: string;
  installationId?: string | null;
}

/** A session handed to the client: the token (shown once) and the user as stored. */
export interface LoggedIn {
  sessionToken: string;
  user: ParseObject;
}

/** Accounts: signup, login (password or third-party authData), logout, the current user. */
export class Accounts {
  constructor(readonly deps: AccountDeps) {}

  signUp(fields: WriteInput, origin: RequestOrigin, userFields: readonly string[]): Promise<LoggedIn> {
    void fields;
    void origin;
    void userFields;
    throw new Error('accounts: not implemented yet');
  }

  logIn(username: string, password: string, origin: RequestOrigin, userFields: readonly string[]): Promise<LoggedIn> {
    void username;
    void password;
    void origin;
    void userFields;
    throw new Error('accounts: not implemented yet');
  }

  logInWith(authData: Record<string, unknown>, fields: WriteInput, origin: RequestOrigin, userFields: readonly string[]): Promise<LoggedIn> {
    void authData;
    void fields;
    void origin;
    void userFields;
    throw new Error('accounts: not implemented yet');
  }

  logOut(auth: Auth): Promise<void> {
    void auth;
    throw new Error('accounts: not implemented yet');
  }
}
