import { isWriteOnly, type ClassDef } from '../../schema/index.ts';
import type { Ref } from '../builder.ts';
import { orderEnumName, orderValueName } from '../inflection.ts';

/** `PostOrder`: `<field>_ASC` / `<field>_DESC` for every field (Parse's list), plus `id_*`. */
export function defineOrderEnum(ctx: { builder: unknown; refs: { set: (n: string, r: Ref) => Ref } }, cls: ClassDef): void {
  const names = Object.keys(cls.fields)
    .filter((f) => !isWriteOnly(cls.className, f))
    .sort((a, b) => a.localeCompare(b));
  const values: string[] = [];
  for (const f of [...names, 'id']) values.push(orderValueName(f, false), orderValueName(f, true));
  ctx.refs.set(orderEnumName(cls.className), (ctx.builder as Ref).enumType(orderEnumName(cls.className), { values }));
}
