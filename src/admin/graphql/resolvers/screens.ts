import { errors } from '../../../errors/index.ts';
import { conditionToRest, parseWhere } from '../../../query/index.ts';
import { decodeParams, encodeResult } from '../../../cloud/codec.ts';
import { readableFields } from '../../../cloud/data/find-parts.ts';
import { restObject } from '../codec.ts';
import { readAudit } from '../../audit/index.ts';
import { requireClass, requireFeature, requireWriter, type AdminContext } from '../context.ts';

/*
 * The cloud code, files, push, logs and audit screens. Each checks its feature; operations
 * that go past core's object operations (queueing a job, deleting a stored file, sending a
 * push) are refused to read-only admins here, as core refuses their object writes.
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function limit(first: number | null | undefined, max: number): number {
  if (first === undefined || first === null) return Math.min(50, max);
  if (!Number.isInteger(first) || first < 1) throw errors.invalidQuery('first must be a positive number');
  return Math.min(first, max);
}

function unavailable(what: string): never {
  throw errors.invalidQuery(`${what} are not available on this server.`);
}

/** The newest objects of a system class (job runs, push statuses), in REST JSON. */
async function newest(c: AdminContext, className: string, first: number) {
  const cls = c.deps.schemaStore.current.classes.get(className);
  if (!cls) return [];
  const result = await c.deps.core.find(c.principal.auth, className, {
    order: [
      { field: { name: 'createdAt', type: 'Date' }, descending: true },
      { field: { name: 'objectId', type: 'String' }, descending: true },
    ],
    page: { first },
    fields: readableFields(cls),
    wantObjects: true,
    wantCount: false,
    wantHasNext: false,
  });
  return result.objects.map((o) => restObject(cls, o, c.env));
}

export const cloud = {
  cloudCode(c: AdminContext) {
    requireFeature(c, 'cloud');
    return c.deps.cloud ? c.deps.cloud.describe() : { functions: [], triggers: [], jobs: [] };
  },
  /** Runs a function as the public API's callCloudCode does: params decoded from Parse JSON, the result encoded back. */
  async runFunction(c: AdminContext, name: string, params: unknown) {
    requireFeature(c, 'cloud');
    if (!c.deps.cloud) unavailable('Cloud functions');
    if (params !== undefined && params !== null && !isObject(params)) throw errors.invalidJson('params must be a JSON object');
    const decoded = decodeParams(params ?? {}, c.env) as Record<string, unknown>;
    return encodeResult(await c.deps.cloud.callFunction(name, decoded, await c.dataAuth()), c.env) ?? null;
  },
  async runJob(c: AdminContext, name: string, params: unknown) {
    requireFeature(c, 'cloud');
    requireWriter(c);
    if (!c.deps.jobs) unavailable('Cloud jobs');
    if (params !== undefined && params !== null && !isObject(params)) throw errors.invalidJson('params must be a JSON object');
    return c.deps.jobs.runJob(name, (params ?? {}) as Record<string, unknown>);
  },
  jobRuns(c: AdminContext, first: number | null | undefined) {
    requireFeature(c, 'cloud');
    return newest(c, '_JobStatus', limit(first, 1000));
  },
};

export const files = {
  async list(c: AdminContext, first: number | null | undefined, after: string | null | undefined) {
    requireFeature(c, 'files');
    const storage = c.deps.fileStorage;
    if (!storage) return { files: [], next: null };
    const page = await storage.list({ after: after ?? undefined, limit: limit(first ?? 100, 1000) });
    return {
      files: page.files.map((f) => ({
        name: f.name,
        size: f.size,
        contentType: f.contentType,
        createdAt: f.createdAt.toISOString(),
        url: c.deps.fileUrl(f.name),
      })),
      next: page.next ?? null,
    };
  },
  async delete(c: AdminContext, name: string): Promise<boolean> {
    requireFeature(c, 'files');
    requireWriter(c);
    if (!c.deps.deleteFile) unavailable('Files');
    return c.deps.deleteFile(name, c.principal.auth);
  },
};

export const push = {
  /**
   * Records a push as the public `sendPush` does, with the admin's Auth. `where` is the public
   * API's _Installation where input (stored in Parse's REST form), as the grid's filters are.
   */
  async send(c: AdminContext, input: unknown): Promise<string> {
    requireFeature(c, 'push');
    requireWriter(c);
    if (!c.deps.push) unavailable('Push notifications');
    if (!isObject(input)) throw errors.invalidJson('input must be a JSON object');
    const installation = requireClass(c, '_Installation');
    const where = isObject(input.where) ? conditionToRest(parseWhere(input.where, installation, { classes: c.deps.schemaStore.current.classes })) : undefined;
    return c.deps.push.send(
      c.principal.auth,
      {
        where,
        channels: Array.isArray(input.channels) ? (input.channels as string[]) : undefined,
        data: isObject(input.data) ? input.data : undefined,
        pushTime: input.pushTime,
        expirationTime: input.expirationTime,
        expirationInterval: input.expirationInterval,
      },
      { source: 'dashboard' },
    );
  },
  statuses(c: AdminContext, first: number | null | undefined) {
    requireFeature(c, 'push');
    return newest(c, '_PushStatus', limit(first, 1000));
  },
};

export const trail = {
  /** The audit trail, newest first (owners only: the 'audit' feature). */
  audit(c: AdminContext, args: { className?: string | null; objectId?: string | null; first?: number | null; after?: string | null }) {
    requireFeature(c, 'audit');
    return readAudit(c.deps.db, { className: args.className, objectId: args.objectId, first: limit(args.first, 500), after: args.after });
  },
  logs(c: AdminContext, args: { level?: string | null; contains?: string | null; first?: number | null }) {
    requireFeature(c, 'logs');
    if (!c.deps.logs) return [];
    try {
      return c.deps.logs.read({ level: args.level, contains: args.contains, first: limit(args.first ?? 200, 1000) });
    } catch (error) {
      if (error instanceof RangeError) throw errors.invalidQuery(error.message);
      throw error;
    }
  },
};
