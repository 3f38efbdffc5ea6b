import { ParseError, ErrorCode, errors } from '../errors/index.ts';
import type { ClassDef } from '../schema/index.ts';
import type { WriteInput } from '../core/index.ts';
import type { AclMap } from '../security/index.ts';
import { toObjectId } from './inflection.ts';

type Input = Record<string, unknown>;

interface AclInput {
  users?: { userId: string; read: boolean; write: boolean }[] | null;
  roles?: { roleName: string; read: boolean; write: boolean }[] | null;
  public?: { read: boolean; write: boolean } | null;
}

/** ACLInput → Parse's ACL map; the given ACL replaces the stored one whole. */
export function aclFromInput(input: AclInput): AclMap {
  const acl: AclMap = {};
  const put = (entity: string, read: boolean, write: boolean) => {
    if (read || write) acl[entity] = { ...(read ? { read: true } : {}), ...(write ? { write: true } : {}) };
  };
  if (input.public) put('*', input.public.read, input.public.write);
  for (const u of input.users ?? []) put(toObjectId(u.userId, '_User'), u.read, u.write);
  for (const r of input.roles ?? []) put(`role:${r.roleName}`, r.read, r.write);
  return acl;
}

function ids(list: unknown, className: string): string[] | undefined {
  return Array.isArray(list) ? list.map((id) => toObjectId(String(id), className)) : undefined;
}

/**
 * Translates a GraphQL `fields` input into a core write: global ids to objectIds, pointer and
 * relation inputs to their core form (nested creates included), file inputs to file names.
 * Malformed pointer/relation inputs → 106, file inputs without a file → 130.
 */
export function toWriteInput(cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, fields: Input | null | undefined): WriteInput {
  const out: WriteInput = {};
  for (const [name, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    const field = cls.fields[name];
    if (value === null || !field) {
      out[name] = value;
      continue;
    }
    switch (field.type) {
      case 'ACL':
        out[name] = aclFromInput(value as AclInput);
        break;
      case 'Pointer': {
        const { link, createAndLink } = value as { link?: string | null; createAndLink?: Input | null };
        const hasLink = link !== undefined && link !== null;
        const hasCreate = createAndLink !== undefined && createAndLink !== null;
        if (hasLink === hasCreate) throw errors.invalidPointer(`${name}: give exactly one of link or createAndLink`);
        const target = classes.get(field.targetClass!)!;
        out[name] = hasLink ? toObjectId(link!, target.className) : { create: toWriteInput(target, classes, createAndLink) };
        break;
      }
      case 'Relation': {
        const { add, remove, createAndAdd } = value as { add?: unknown; remove?: unknown; createAndAdd?: Input[] | null };
        if (add == null && remove == null && createAndAdd == null) throw errors.invalidPointer(`${name}: give at least one of add, remove or createAndAdd`);
        const target = classes.get(field.targetClass!)!;
        out[name] = {
          add: ids(add, target.className),
          remove: ids(remove, target.className),
          create: createAndAdd?.map((f) => toWriteInput(target, classes, f)),
        };
        break;
      }
      case 'File': {
        const { file, upload } = value as { file?: string | null; upload?: unknown };
        if (file !== undefined && file !== null) out[name] = file;
        else if (upload !== undefined && upload !== null) throw new ParseError(ErrorCode.FILE_SAVE_ERROR, 'File uploads are not enabled on this server.');
        else throw new ParseError(ErrorCode.FILE_SAVE_ERROR, `${name}: give a file or an upload`);
        break;
      }
      default:
        out[name] = value;
    }
  }
  return out;
}
