import { callFunction } from '../cloud/functions.ts';
import { runJob } from '../cloud/jobs.ts';
import type { RestRoute } from '../router.ts';

/** Cloud functions (any caller; the function's validators decide) and jobs (master key). */
export const functionsRoutes: RestRoute[] = [
  { method: 'POST', path: 'functions/:functionName', handler: callFunction },
  { method: 'GET', path: 'functions/:functionName', handler: callFunction },
  { method: 'POST', path: 'jobs/:jobName', handler: runJob },
  { method: 'POST', path: 'jobs', handler: runJob },
];
