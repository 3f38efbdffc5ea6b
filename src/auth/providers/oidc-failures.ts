import { errors } from 'jose';
import { ParseError } from '../../errors/index.ts';
import type { Logger } from '../../config/logger.ts';
import { providerErrors } from './errors.ts';
import { isTimeout } from './provider.ts';

/**
 * Turns what `jwtVerify` threw into the client's answer: a token that does not verify is 101 with
 * the reason (never the token); keys that could not be fetched are 142, logged for the operator.
 */
export function describeVerifyFailure(name: string, error: unknown, logger: Logger): ParseError {
  if (error instanceof ParseError) return error;
  const invalid = (reason: string) => providerErrors.invalid(`The ${name} id token is invalid: ${reason}.`);
  if (error instanceof errors.JWTExpired) return invalid('it has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return invalid('it was issued for another application (audience)');
      case 'iss':
        return invalid(`it was not issued by ${name} (issuer)`);
      case 'nbf':
      case 'iat':
        return invalid('it is not valid yet');
      default:
        return invalid(error.reason === 'missing' ? `its "${error.claim}" claim is missing` : `its "${error.claim}" claim is wrong`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('its signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return invalid(`it is not signed by a published key of ${name} (unknown key id)`);
  if (error instanceof errors.JWKSMultipleMatchingKeys) return invalid('its key id matches several keys');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return invalid('its signing algorithm is not accepted');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalid('it is not a well-formed JWT');
  // What is left comes from downloading the keys: a timeout, an HTTP error, not a key set.
  logger.warn(
    { provider: name, reason: isTimeout(error) || error instanceof errors.JWKSTimeout ? 'timeout' : String(error) },
    'could not fetch the signing keys of an OpenID Connect provider',
  );
  return providerErrors.unavailable(`The ${name} sign-in provider could not be reached to check the id token; try again later.`);
}
