import type { GraphQLResolveInfo } from 'graphql';
import { errors } from '../../errors/index.ts';
import type { Ref } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import type { GenContext } from '../generators/context.ts';
import { typeName } from '../inflection.ts';
import { readFieldsFor } from '../read-fields.ts';
import { selectedFields } from '../selection.ts';
import { inp, out } from '../type-spec.ts';

/** What GraphQL needs of cloud jobs (src/cloud/jobs: CloudJobs). */
export interface CloudJobsApi {
  /** Queues a run and returns its `_JobStatus` objectId; 141 "Invalid job." for an unknown job. */
  runJob(jobName: string, params?: Record<string, unknown>): Promise<string>;
}

const STATUS_CLASS = '_JobStatus';

/**
 * `runJob(input: {jobName, params})`: Parse's `POST /jobs/:jobName` as a mutation — master key
 * only, answering at once with the run's status id (and the status, when `_JobStatus` is
 * served) while the run itself happens in the background. Runs and their progress are read
 * with the generated `jobStatus` / `jobStatuses` queries; schedules are written as
 * `_JobSchedule` objects.
 */
export function defineJobTypes(ctx: GenContext): void {
  const { builder, refs } = ctx;
  const b = builder as Ref;
  const statusClass = ctx.classes.get(STATUS_CLASS);
  refs.set(
    'RunJobInput',
    b.inputType('RunJobInput', {
      fields: (t: Ref) => ({
        jobName: t.field({ ...inp('String', '!'), description: 'The job to run, as the cloud code names it.' }),
        params: t.field({ ...inp(refs.get('Object'), ''), description: 'The params the job receives (`request.params`).' }),
        clientMutationId: t.field(inp('String', '')),
      }),
    }),
  );
  refs.set(
    'RunJobPayload',
    b.objectRef('RunJobPayload').implement({
      fields: (t: Ref) => ({
        jobStatusId: t.field({ ...out('ID', '!'), description: 'The objectId of the run’s `_JobStatus`.', resolve: (p: Payload) => p.jobStatusId }),
        ...(statusClass
          ? {
              jobStatus: t.field({
                ...out(refs.get(typeName(STATUS_CLASS)), ''),
                description: 'The run’s status as it is right after queueing (pending).',
                resolve: (p: Payload, _a: unknown, c: GraphQLContext, info: GraphQLResolveInfo) =>
                  c.core.get(c.auth, STATUS_CLASS, p.jobStatusId, readFieldsFor(statusClass, selectedFields(info, info.fieldNodes, typeName(STATUS_CLASS)))),
              }),
            }
          : {}),
        clientMutationId: t.field({ ...out('String', ''), resolve: (p: Payload) => p.clientMutationId }),
      }),
    }),
  );
}

interface Payload {
  jobStatusId: string;
  clientMutationId: string | null;
}

type RunInput = { jobName: string; params?: Record<string, unknown> | null; clientMutationId?: string | null };

/** The runJob mutation field. */
export function jobMutationFields(ctx: GenContext, t: Ref): Record<string, Ref> {
  return {
    runJob: t.field({
      ...out(ctx.refs.get('RunJobPayload'), ''),
      description: 'The runJob mutation queues a run of a cloud job (master key only) and answers with its status id at once.',
      args: { input: t.arg(inp(ctx.refs.get('RunJobInput'), '!')) },
      resolve: async (_r: unknown, { input }: { input: RunInput }, c: GraphQLContext): Promise<Payload> => {
        if (!c.auth.isMaster) throw errors.masterKeyRequired();
        if (!c.jobs) throw errors.invalidQuery('Cloud jobs are not available on this server.');
        const params = input.params ?? {};
        if (typeof params !== 'object' || Array.isArray(params)) throw errors.invalidJson('params must be an object');
        const jobStatusId = await c.jobs.runJob(input.jobName, params);
        return { jobStatusId, clientMutationId: input.clientMutationId ?? null };
      },
    }),
  };
}
