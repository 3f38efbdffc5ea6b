import type { HookRegistry, WriteOperation } from '../core/index.ts';
import { errors } from '../errors/index.ts';

/** The fields every role must keep (Parse's `requiredColumns.write._Role`), in Parse's order. */
const REQUIRED = ['name', 'ACL'] as const;

function isUnset(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (typeof value === 'object' && (value as { __op?: unknown }).__op === 'Delete');
}

/**
 * Parse's rule for `_Role` writes, whoever makes them (the master key included): a role is
 * created with a name and an ACL, and neither can be unset later — 111 `<field> is required.`
 * A role without an ACL would be public read and write: anyone could add themselves to its
 * users. Checked just before the row is written, after cloud code's beforeSave, which may
 * still fill them in (Parse checks after its triggers too).
 */
export function registerRoleRules(hooks: HookRegistry): void {
  hooks.register('_Role', {
    beforeStatement(op: WriteOperation) {
      if (op.kind === 'delete') return;
      for (const field of REQUIRED) {
        const missing = op.kind === 'create' ? isUnset(op.input[field]) : field in op.input && isUnset(op.input[field]);
        if (missing) throw errors.incorrectType(`${field} is required.`);
      }
    },
  });
}
