import { providerErrors } from './errors.ts';
import type { Provider } from './provider.ts';

/**
 * The id is the only secret of an anonymous account (whoever sends it again is that user), so
 * it must look like what the client SDKs generate — a UUID — not a short guessable name.
 */
const ANONYMOUS_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{15,127}$/;

/** authData.anonymous = {id}: an id the client generated once and keeps (Parse's anonymous users). */
export function anonymousProvider(): Provider {
  return {
    async validate(entry) {
      const id = entry.id;
      if (typeof id !== 'string' || !ANONYMOUS_ID.test(id)) {
        throw providerErrors.invalid('authData.anonymous.id must be a random id (a UUID, for example): 16 to 128 letters, digits, ".", "_", ":" or "-".');
      }
      return { id, stored: { id } };
    },
  };
}
