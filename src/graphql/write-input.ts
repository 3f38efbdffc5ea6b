import { ErrorCode, errors, ParseError } from '../errors/index.ts';
import { claimUpload, fileErrors } from '../files/index.ts';
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
 * Parse's messages for nested inputs that say nothing to do (lib/GraphQL/transformers/mutation.js),
 * word for word — "createLink" included, though the input field is createAndLink.
 */
const pointerInputMessage = (field: string) => `You need to provide link OR createLink on the pointer mutation of field ${field}`;
const relationInputMessage = (field: string) => `You need to provide at least one operation on the relation mutation of field ${field}`;

/**
 * Translates a GraphQL `fields` input into a core write: global ids to objectIds, pointer and
 * relation inputs to their core form (nested creates included), file inputs to file names.
 * With Parse's codes and messages: a pointer input with both or neither of link and
 * createAndLink, or a relation input with no operation → 106; a file input without a file → 130
 * `Invalid file upload.` A null operand counts as not given.
 */
export function toWriteInput(cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, fields: Input | null | undefined): WriteInput {
  const out: WriteInput = {};
  for (const [name, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    // An own field only: a name such as "constructor" must not find Object.prototype's member.
    const field = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
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
        if (hasLink === hasCreate) throw errors.invalidPointer(pointerInputMessage(name));
        const target = classes.get(field.targetClass!)!;
        out[name] = hasLink ? toObjectId(link!, target.className) : { create: toWriteInput(target, classes, createAndLink) };
        break;
      }
      case 'Relation': {
        const { add, remove, createAndAdd } = value as { add?: unknown; remove?: unknown; createAndAdd?: Input[] | null };
        if (add == null && remove == null && createAndAdd == null) throw errors.invalidPointer(relationInputMessage(name));
        const target = classes.get(field.targetClass!)!;
        out[name] = {
          add: ids(add, target.className),
          remove: ids(remove, target.className),
          create: createAndAdd?.map((f) => toWriteInput(target, classes, f)),
        };
        break;
      }
      case 'File': {
        // Parse's order: an upload first — the file this request uploaded, claimed for the
        // running mutation (files/request-uploads.ts) — then a stored name.
        const { file, upload } = value as { file?: string | null; upload?: unknown };
        if (upload !== undefined && upload !== null) out[name] = claimUpload(upload).name;
        else if (file !== undefined && file !== null) out[name] = file;
        else throw fileErrors.invalidUpload();
        break;
      }
      default:
        out[name] = value;
    }
  }
  return out;
}

/** An update input's atomic operations (beyond Parse's GraphQL: generators/atomic-inputs.ts), field name → amount or items. */
export interface AtomicOperationsInput {
  increment?: Input | null;
  addToArray?: Input | null;
  addUniqueToArray?: Input | null;
  removeFromArray?: Input | null;
}

/** The array operations of an update input, and the Parse operation each one is. */
export const ARRAY_OPERATIONS = { addToArray: 'Add', addUniqueToArray: 'AddUnique', removeFromArray: 'Remove' } as const;

/**
 * Adds an update input's atomic operations to its core write as Parse's REST operations
 * (`{__op: "Increment", amount}`, Add, AddUnique, Remove), which core checks against the field
 * and applies in SQL to the stored value. A field changed twice — in `fields` and by an
 * operation, or by two operations — is refused (105); a null amount or list counts as not given.
 */
export function withAtomicOperations(write: WriteInput, input: AtomicOperationsInput): WriteInput {
  const put = (name: string, operation: Record<string, unknown>, source: string) => {
    if (Object.hasOwn(write, name))
      throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Field ${name} is changed twice in one update (${source} and another change).`);
    write[name] = operation;
  };
  for (const [name, amount] of Object.entries(input.increment ?? {})) {
    if (amount !== null && amount !== undefined) put(name, { __op: 'Increment', amount }, 'increment');
  }
  for (const [key, op] of Object.entries(ARRAY_OPERATIONS) as [keyof typeof ARRAY_OPERATIONS, string][]) {
    for (const [name, objects] of Object.entries(input[key] ?? {})) {
      if (objects !== null && objects !== undefined) put(name, { __op: op, objects }, key);
    }
  }
  return write;
}
