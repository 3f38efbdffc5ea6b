import type { Logger } from '../config/logger.ts';
import type { ClassDef, SchemaSnapshot } from '../schema/index.ts';
import { refusesClients } from '../security/index.ts';

const OPERATIONS = ['find', 'get', 'count', 'create', 'update', 'delete', 'addField'] as const;

/**
 * Whether every class-level operation of a class is open to everyone: granted to "*", or not
 * restricted at all (Parse treats a missing operation as open) — and no rule of its own keeps
 * some of them for the master key (`_Installation`: clients never list or delete).
 */
export function isFullyPublic(cls: ClassDef): boolean {
  if (refusesClients(cls.className)) return false;
  const clp = cls.classLevelPermissions as Record<string, Record<string, unknown> | undefined>;
  return OPERATIONS.every((op) => !clp[op] || clp[op]!['*'] === true);
}

/**
 * At start-up: one warning naming the classes anyone may read, write, delete and extend
 * (Parse's default for a new class), so that an open class is a decision, not an accident.
 */
export function warnAboutPublicClasses(snapshot: SchemaSnapshot, logger: Logger): string[] {
  const open = [...snapshot.classes.values()]
    .filter(isFullyPublic)
    .map((c) => c.className)
    .sort();
  if (open.length) {
    logger.warn(
      { classes: open },
      `classes open to everyone (every class-level permission grants "*"): ${open.join(', ')}; restrict them with classLevelPermissions (updateClass)`,
    );
  }
  return open;
}
