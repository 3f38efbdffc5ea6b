export { resolveAuth, NO_SESSIONS, type SessionResolver, type Credentials } from './resolve.ts';
export { secretEquals } from './keys.ts';
export { registerPasswordHook } from './password-hook.ts';
