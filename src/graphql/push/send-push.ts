import type { GraphQLResolveInfo } from 'graphql';
import { conditionToRest, parseWhere } from '../../query/index.ts';
import type { Ref } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import type { GenContext } from '../generators/context.ts';
import { typeName, whereInputName } from '../inflection.ts';
import { readFieldsFor } from '../read-fields.ts';
import { selectedFields } from '../selection.ts';
import { inp, out } from '../type-spec.ts';
import type { Auth } from '../../security/index.ts';

/** What GraphQL needs of push (src/push: PushService). */
export interface PushApi {
  /** Records and queues a push; its `_PushStatus` objectId. Refusals as Parse's (119, 115, 102). */
  send(
    auth: Auth,
    input: {
      where?: Record<string, unknown>;
      channels?: string[] | null;
      data?: Record<string, unknown> | null;
      pushTime?: unknown;
      expirationTime?: unknown;
      expirationInterval?: unknown;
    },
    options: { source: string },
  ): Promise<string>;
}

const STATUS_CLASS = '_PushStatus';
const INSTALLATION = '_Installation';

type SendInput = {
  where?: Record<string, unknown> | null;
  channels?: string[] | null;
  data: Record<string, unknown>;
  pushTime?: unknown;
  expirationTime?: unknown;
  expirationInterval?: number | null;
  clientMutationId?: string | null;
};

interface Payload {
  pushStatusId: string;
  clientMutationId: string | null;
}

/**
 * `sendPush(input: {where | channels, data, pushTime, expirationTime | expirationInterval})`:
 * Parse's `POST /push` as a mutation. It answers at once with the push's `_PushStatus` (pending
 * or scheduled); delivery happens in the background, and `pushStatus(id)` / `pushStatuses`
 * (generated from `_PushStatus`, master key only) show its progress.
 */
export function definePushTypes(ctx: GenContext): void {
  const { builder, refs, classes } = ctx;
  const b = builder as Ref;
  const installation = classes.get(INSTALLATION);
  const statusClass = classes.get(STATUS_CLASS);
  if (!installation || !statusClass) return;
  refs.set(
    'SendPushInput',
    b.inputType('SendPushInput', {
      fields: (t: Ref) => ({
        where: t.field({ ...inp(refs.get(whereInputName(INSTALLATION)), ''), description: 'The installations to notify (not with `channels`).' }),
        channels: t.field({ ...inp('String', '[!]'), description: 'Installations subscribed to any of these channels (not with `where`).' }),
        data: t.field({
          ...inp(refs.get('Object'), '!'),
          description: 'Parse’s push data: alert, title, badge (a number, or "Increment"), sound, content-available, category, uri, and any custom keys.',
        }),
        pushTime: t.field({
          ...inp('Any', ''),
          description: 'When to send: ISO 8601 (without a zone: each installation’s local time) or seconds since the epoch. Now when absent.',
        }),
        expirationTime: t.field({ ...inp('Any', ''), description: 'When the notification expires: ISO 8601 or seconds since the epoch.' }),
        expirationInterval: t.field({ ...inp('Float', ''), description: 'Seconds after sending when the notification expires (not with expirationTime).' }),
        clientMutationId: t.field(inp('String', '')),
      }),
    }),
  );
  refs.set(
    'SendPushPayload',
    b.objectRef('SendPushPayload').implement({
      fields: (t: Ref) => ({
        pushStatusId: t.field({ ...out('ID', '!'), description: 'The objectId of the push’s `_PushStatus`.', resolve: (p: Payload) => p.pushStatusId }),
        pushStatus: t.field({
          ...out(refs.get(typeName(STATUS_CLASS)), ''),
          description: 'The push’s status right after it was recorded (pending or scheduled); master key only.',
          // `_PushStatus` is the master key's: a client allowed to push gets only the id.
          resolve: (p: Payload, _a: unknown, c: GraphQLContext, info: GraphQLResolveInfo) =>
            !c.auth.isMaster
              ? null
              : c.core.get(c.auth, STATUS_CLASS, p.pushStatusId, readFieldsFor(statusClass, selectedFields(info, info.fieldNodes, typeName(STATUS_CLASS)))),
        }),
        clientMutationId: t.field({ ...out('String', ''), resolve: (p: Payload) => p.clientMutationId }),
      }),
    }),
  );
}

/** The sendPush mutation field (absent without the push classes). */
export function pushMutationFields(ctx: GenContext, t: Ref): Record<string, Ref> {
  const installation = ctx.classes.get(INSTALLATION);
  if (!installation || !ctx.refs.has('SendPushInput')) return {};
  return {
    sendPush: t.field({
      ...out(ctx.refs.get('SendPushPayload'), ''),
      description: 'The sendPush mutation records a push (master key only, unless client push is allowed) and delivers it in the background.',
      args: { input: t.arg(inp(ctx.refs.get('SendPushInput'), '!')) },
      resolve: async (_r: unknown, { input }: { input: SendInput }, c: GraphQLContext): Promise<Payload> => {
        if (!c.push) throw new Error('push is not available on this server');
        // The where input's GraphQL form is stored in Parse's REST form (`_PushStatus.query`).
        const where = input.where ? conditionToRest(parseWhere(input.where, installation, { classes: ctx.all })) : undefined;
        const pushStatusId = await c.push.send(
          c.auth,
          {
            where,
            channels: input.channels,
            data: input.data,
            pushTime: input.pushTime,
            expirationTime: input.expirationTime,
            expirationInterval: input.expirationInterval,
          },
          { source: 'graphql' },
        );
        return { pushStatusId, clientMutationId: input.clientMutationId ?? null };
      },
    }),
  };
}
