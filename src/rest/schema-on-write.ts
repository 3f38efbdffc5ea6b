import { ErrorCode, ParseError } from '../errors/index.ts';
import { checkAddField, type Auth } from '../security/index.ts';
import type { WriteOptions } from '../core/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { decodeWrite, newFieldsOf } from './codec/decode.ts';
import type { RestDeps } from './deps.ts';

/**
 * Parse's schema on write, as its REST API does it: saving a value under a name the class does
 * not have adds the field, with the type of the value (`addField` permission; master key always);
 * saving into a class that does not exist creates it — with the master key, or for any client
 * when PLINTH_ALLOW_CLIENT_CLASS_CREATION is on. Returns the class to write to.
 */
export async function classForWrite(deps: RestDeps, auth: Auth, className: string, body: Record<string, unknown>): Promise<ClassDef> {
  const current = deps.schemaStore.getClass(className);
  const addFields = newFieldsOf(body, current);
  const adding = Object.keys(addFields).length > 0;
  if (current && !adding) return current;
  if (!current) {
    if (!auth.isMaster && !deps.config.rest.allowClientClassCreation)
      throw new ParseError(ErrorCode.OPERATION_FORBIDDEN, `This user is not allowed to access non-existent class: ${className}`);
    if (auth.admin) checkAddField(auth, { className, fields: {}, classLevelPermissions: {}, indexes: {} });
    const created = await deps.schemaStore.createClass(className, { addFields }).catch(async (error: unknown) => {
      // Another request created it first: add to that one instead.
      const raced = deps.schemaStore.getClass(className) ?? (await deps.schemaStore.refreshIfChanged(), deps.schemaStore.getClass(className));
      if (raced && error instanceof ParseError && error.code === ErrorCode.INVALID_CLASS_NAME) return undefined;
      throw error;
    });
    if (created) {
      await deps.schemaChanged?.(auth, className, undefined, created);
      return created;
    }
    return classForWrite(deps, auth, className, body);
  }
  checkAddField(auth, current);
  try {
    const updated = await deps.schemaStore.updateClass(className, { addFields });
    await deps.schemaChanged?.(auth, className, current, updated);
    return updated;
  } catch (error) {
    // Two writes adding the same field at once: the loser finds it there (or a clash of types, 111 from core).
    if (error instanceof ParseError && error.code === ErrorCode.INVALID_KEY_NAME) {
      await deps.schemaStore.refreshIfChanged();
      const now = deps.schemaStore.getClass(className);
      if (now && Object.keys(newFieldsOf(body, now)).length === 0) return now;
    }
    throw error;
  }
}

/**
 * Schema on write for what a write holds once its before hooks have run (core's
 * WriteOptions.addFields): a beforeSave may set fields the class does not have, which Parse
 * adds after the trigger, with the caller's `addField` permission — the values, Parse JSON as
 * cloud code hands them over, decoded for the fields they made.
 */
export function fieldsAdder(deps: RestDeps, auth: Auth, className: string): NonNullable<WriteOptions['addFields']> {
  return async (fields) => {
    const cls = await classForWrite(deps, auth, className, fields);
    return { cls, values: decodeWrite(fields, cls, false) };
  };
}
