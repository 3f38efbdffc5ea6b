import { isValidFileName, notFound } from '../../files/serve/index.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { PathParams } from '../router.ts';
import { jsonResponse } from '../respond.ts';

/**
 * `GET /files/<appId>/<name>` under the REST mount: a redirect (302) to the server's own
 * download route, which serves the file with ranges and caching and applies the access mode.
 * The query string goes along unchanged, so a signed URL stays signed and an unsigned one gets
 * no signature here. Answered without credentials, as Parse serves files to `<img src>`.
 */
export async function downloadFile(req: RestRequest, path: PathParams, deps: RestDeps): Promise<Response> {
  if (!isValidFileName(path.filename)) return notFound();
  if (path.appId !== deps.config.appId) return jsonResponse(403, { error: 'Permission denied' });
  const target = new URL(deps.fileUrl(path.filename));
  target.search = new URL(req.raw.url).search;
  return new Response(null, { status: 302, headers: { location: target.toString(), 'cache-control': 'no-store' } });
}
