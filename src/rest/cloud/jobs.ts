import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { PathParams } from '../router.ts';
import { refuseUnlessMaster } from './master-only.ts';
import { callParams } from './params.ts';

/**
 * `POST /jobs/<name>` (or `POST /jobs` with `jobName` in the body): queues a run of a cloud
 * job, master key only (403 `Permission denied` otherwise, as Parse). Answers at once, as Parse
 * does: `{}` with the run's `_JobStatus` objectId in `X-Parse-Job-Status-Id`; the run happens
 * in the background. The params are the body and query string, kept in Parse JSON (the run
 * decodes them); an unknown job is 141 `Invalid job.`
 */
export async function runJob(req: RestRequest, path: PathParams, deps: RestDeps): Promise<RestResult> {
  const refused = refuseUnlessMaster(req.auth);
  if (refused) return refused;
  const params = callParams(req);
  const jobName = path.jobName ?? (typeof params.jobName === 'string' ? params.jobName : undefined);
  if (!jobName) throw new ParseError(ErrorCode.SCRIPT_FAILED, 'Invalid job.');
  const statusId = await deps.jobs.runJob(jobName, params);
  return { body: {}, headers: { 'X-Parse-Job-Status-Id': statusId } };
}
