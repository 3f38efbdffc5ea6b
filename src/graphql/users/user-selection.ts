import type { GraphQLResolveInfo } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import { readFieldsFor } from '../read-fields.ts';
import { selectedFields, subNodes } from '../selection.ts';
import type { RequestOrigin } from '../../auth/index.ts';
import type { GraphQLContext } from '../context.ts';

/**
 * The _User fields to read for `viewer { user { … } }` under a payload type (`SignUpPayload`),
 * or directly under the viewer query (`payloadType` undefined).
 */
export function viewerUserFields(info: GraphQLResolveInfo, user: ClassDef, payloadType?: string): string[] {
  const viewerNodes = payloadType ? subNodes(selectedFields(info, info.fieldNodes, payloadType), 'viewer') : info.fieldNodes;
  const userNodes = subNodes(selectedFields(info, viewerNodes, 'Viewer'), 'user');
  return readFieldsFor(user, selectedFields(info, userNodes, 'User'));
}

/** Where the request came from (rate limits, the session's installation id). */
export function originOf(c: GraphQLContext): RequestOrigin {
  return { ip: c.clientIp, installationId: c.installationId ?? null, auth: c.auth };
}
