import { ident } from '../../db/index.ts';
import { joinTableName } from '../../schema/index.ts';

export { ident };

export function joinTableNameSql(className: string, field: string): string {
  return ident(joinTableName(className, field));
}
