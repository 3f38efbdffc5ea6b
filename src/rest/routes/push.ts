import { PERMISSION_DENIED } from '../cloud/master-only.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { RestRoute } from '../router.ts';

/**
 * `POST /push`: records a push and queues its delivery through the push service (the same
 * checks as GraphQL's sendPush: `where` or `channels`, `data`, times, 115 when no provider is
 * configured). Master key only, as Parse (403 `Permission denied`), unless PLINTH_CLIENT_PUSH
 * lets clients send. The body is Parse's REST form (`push_time`, `expiration_time`,
 * `expiration_interval`); the answer is `{result: true}` with the `_PushStatus` objectId in
 * `X-Parse-Push-Status-Id`, while delivery happens in the background.
 */
async function sendPush(req: RestRequest, _path: unknown, deps: RestDeps): Promise<RestResult> {
  if (!req.auth.isMaster && !deps.config.push.client) return PERMISSION_DENIED;
  const body = req.body ?? {};
  const pushStatusId = await deps.push.send(
    req.auth,
    {
      where: body.where as Record<string, unknown> | undefined,
      channels: body.channels as string[] | undefined,
      data: body.data as Record<string, unknown> | undefined,
      pushTime: body.push_time,
      expirationTime: body.expiration_time,
      expirationInterval: body.expiration_interval,
    },
    { source: 'rest' },
  );
  return { body: { result: true }, headers: { 'X-Parse-Push-Status-Id': pushStatusId } };
}

export const pushRoutes: RestRoute[] = [{ method: 'POST', path: 'push', handler: sendPush }];
