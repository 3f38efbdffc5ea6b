import type { GraphQLResolveInfo } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { Ref } from '../builder.ts';
import { inp, out } from '../type-spec.ts';
import * as names from '../inflection.ts';
import { selectedFields, subNodes } from '../selection.ts';
import { readFieldsFor } from '../read-fields.ts';
import { toWriteInput, withAtomicOperations, type AtomicOperationsInput } from '../write-input.ts';
import type { GenContext } from './context.ts';
import { atomicUpdateFields, declareAtomicInputs, implementAtomicInputs } from './atomic-inputs.ts';

type MutationInput = { id?: string; fields?: Record<string, unknown> | null; clientMutationId?: string | null } & AtomicOperationsInput;

/** The fields a mutation payload's object selects (read back in the write's own statement). */
function payloadFields(info: GraphQLResolveInfo, cls: ClassDef, payloadType: string): string[] {
  const payload = selectedFields(info, info.fieldNodes, payloadType);
  const nodes = subNodes(payload, names.getQueryName(cls.className));
  return nodes.length ? readFieldsFor(cls, selectedFields(info, nodes, names.typeName(cls.className))) : ['objectId'];
}

export function declareMutationTypes(ctx: GenContext, cls: ClassDef): void {
  const b = ctx.builder as Ref;
  const c = cls.className;
  for (const name of [names.createInputName, names.updateInputName, names.deleteInputName]) ctx.refs.set(name(c), b.inputRef(name(c)));
  for (const name of [names.createPayloadName, names.updatePayloadName, names.deletePayloadName]) ctx.refs.set(name(c), b.objectRef(name(c)));
  declareAtomicInputs(ctx, cls);
}

/** Create/Update/Delete inputs and payloads: `{ post: Post!, clientMutationId: String }`. */
export function implementMutationTypes(ctx: GenContext, cls: ClassDef): void {
  const { refs } = ctx;
  const c = cls.className;
  const field = names.getQueryName(c);
  const objectRef = refs.get(names.typeName(c));
  refs.get(names.createInputName(c)).implement({
    fields: (t: Ref) => ({ fields: t.field(inp(refs.get(names.createFieldsInputName(c)), '')), clientMutationId: t.field(inp('String', '')) }),
  });
  implementAtomicInputs(ctx, cls);
  refs.get(names.updateInputName(c)).implement({
    fields: (t: Ref) => ({
      id: t.field(inp('ID', '!')),
      fields: t.field(inp(refs.get(names.updateFieldsInputName(c)), '')),
      ...atomicUpdateFields(ctx, cls, t),
      clientMutationId: t.field(inp('String', '')),
    }),
  });
  refs.get(names.deleteInputName(c)).implement({
    fields: (t: Ref) => ({ id: t.field(inp('ID', '!')), clientMutationId: t.field(inp('String', '')) }),
  });
  for (const payload of [names.createPayloadName, names.updatePayloadName, names.deletePayloadName]) {
    refs.get(payload(c)).implement({
      fields: (t: Ref) => ({
        [field]: t.field({ ...out(objectRef, '!'), resolve: (p: Record<string, unknown>) => p[field] }),
        clientMutationId: t.field({ ...out('String', ''), resolve: (p: { clientMutationId?: string | null }) => p.clientMutationId ?? null }),
      }),
    });
  }
}

/** createPost / updatePost / deletePost. Each is one transaction, nested creates included. */
export function classMutationFields(ctx: GenContext, cls: ClassDef, t: Ref): Record<string, Ref> {
  const c = cls.className;
  const field = names.getQueryName(c);
  const wrap = (clientMutationId: string | null | undefined, object: unknown) => ({ [field]: object, clientMutationId: clientMutationId ?? null });
  return {
    [names.createMutationName(c)]: t.field({
      ...out(ctx.refs.get(names.createPayloadName(c)), ''),
      args: { input: t.arg(inp(ctx.refs.get(names.createInputName(c)), '!')) },
      resolve: async (_r: unknown, { input }: { input: MutationInput }, gc: GraphQLContext) => {
        const object = await gc.core.create(gc.auth, c, toWriteInput(cls, ctx.all, input.fields));
        return wrap(input.clientMutationId, object);
      },
    }),
    [names.updateMutationName(c)]: t.field({
      ...out(ctx.refs.get(names.updatePayloadName(c)), ''),
      args: { input: t.arg(inp(ctx.refs.get(names.updateInputName(c)), '!')) },
      resolve: async (_r: unknown, { input }: { input: MutationInput }, gc: GraphQLContext, info: GraphQLResolveInfo) => {
        const fields = payloadFields(info, cls, names.updatePayloadName(c));
        const write = withAtomicOperations(toWriteInput(cls, ctx.all, input.fields), input);
        const object = await gc.core.update(gc.auth, c, names.toObjectId(input.id!, c), write, { fields });
        return wrap(input.clientMutationId, object);
      },
    }),
    [names.deleteMutationName(c)]: t.field({
      ...out(ctx.refs.get(names.deletePayloadName(c)), ''),
      args: { input: t.arg(inp(ctx.refs.get(names.deleteInputName(c)), '!')) },
      resolve: async (_r: unknown, { input }: { input: MutationInput }, gc: GraphQLContext, info: GraphQLResolveInfo) => {
        const fields = payloadFields(info, cls, names.deletePayloadName(c));
        const object = await gc.core.delete(gc.auth, c, names.toObjectId(input.id!, c), { fields });
        return wrap(input.clientMutationId, object);
      },
    }),
  };
}
