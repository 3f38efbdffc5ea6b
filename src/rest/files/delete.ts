import { deleteFile } from '../../files/serve/index.ts';
import { PERMISSION_DENIED, refuseUnlessMaster } from '../cloud/master-only.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { PathParams } from '../router.ts';

/**
 * `DELETE /files/<name>` (and `/files/<appId>/<name>`, as the file URL reads): master key only
 * (403 `Permission denied`, as Parse), with the file triggers around the deletion. 200 with an
 * empty body once deleted; 122 for a name no file can have, 153 `Could not delete file.` when
 * there is no such file.
 */
export async function deleteStoredFile(req: RestRequest, path: PathParams, deps: RestDeps): Promise<RestResult | Response> {
  if (path.appId !== undefined && path.appId !== deps.config.appId) return PERMISSION_DENIED;
  const refused = refuseUnlessMaster(req.auth);
  if (refused) return refused;
  const name = path.filename;
  await deleteFile(
    (n, auth) => deps.files.deleteStoredFile(n, auth),
    name,
    req.auth,
    (error) => deps.logger.error({ err: error, file: name }, 'could not delete a file'),
  );
  return new Response(null, { status: 200 });
}
