import { hash } from '@node-rs/argon2';
import type { HookRegistry } from '../core/index.ts';
import { errors } from '../errors/index.ts';

/**
 * _User's `password` is write-only: before any create or update, it is replaced by its
 * argon2id hash in the internal "_hashed_password" column. It never reaches a field.
 */
export function registerPasswordHook(hooks: HookRegistry): void {
  hooks.register('_User', {
    async before(op) {
      if (!('password' in op.input)) return;
      const password = op.input.password;
      delete op.input.password;
      if (password === undefined) return;
      if (typeof password !== 'string' || password === '') throw errors.incorrectType('password must be a non-empty string');
      op.internal._hashed_password = await hash(password, { algorithm: 2 });
    },
  });
}
