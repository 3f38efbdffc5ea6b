import type { CloudObject } from '../types.ts';
import type { CloudEnv } from './env.ts';
import { decodeJson } from './json.ts';

/** The field operations of Parse's REST JSON that apply to a cloud object's own value. */
export type RestFieldOp = 'Delete' | 'Increment' | 'Add' | 'AddUnique' | 'Remove';

/**
 * Applies one REST field operation (`{__op: 'Increment', amount}`, `{__op: 'Add', objects}`, …)
 * to an object, its items decoded as client JSON. Answers false for an operation it does not
 * apply (relations, unknown names): the caller decides what that means.
 */
export function applyRestOp(object: CloudObject, key: string, value: { __op: string; amount?: unknown; objects?: unknown }, env: CloudEnv): boolean {
  const items = () => (Array.isArray(value.objects) ? (decodeJson(value.objects, env, { dropDangerousKeys: true }) as unknown[]) : []);
  switch (value.__op) {
    case 'Delete':
      object.unset(key);
      return true;
    case 'Increment':
      object.increment(key, typeof value.amount === 'number' ? value.amount : 1);
      return true;
    case 'Add':
      object.addAll(key, items());
      return true;
    case 'AddUnique':
      object.addAllUnique(key, items());
      return true;
    case 'Remove':
      object.removeAll(key, items());
      return true;
    default:
      return false;
  }
}
