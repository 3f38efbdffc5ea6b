import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { eventually } from './jobs-harness.ts';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer(
    { jobs: { pollMs: 200 } },
    {
      cloud: (cloud) => {
        cloud.job('hello', async (req) => {
          await req.message('working');
          return `hello ${req.params.name}`;
        });
        cloud.job('fails', async () => {
          throw new Error('the report is missing');
        });
        cloud.job('pulse', async () => 'beat');
      },
    },
  );
});

afterAll(async () => {
  await s?.close();
});

const RUN = `mutation Run($name: String!, $params: Object) {
  runJob(input: { jobName: $name, params: $params, clientMutationId: "c1" }) { jobStatusId clientMutationId jobStatus { objectId jobName source params } } }`;
const STATUS = `query Status($id: ID!) { jobStatus(id: $id) { objectId jobName source status message params startedAt finishedAt createdAt } }`;

async function finished(id: string): Promise<Record<string, any>> {
  return eventually(
    async () => {
      const { jobStatus } = await s.ok(STATUS, { id });
      return ['succeeded', 'failed'].includes(jobStatus.status) ? jobStatus : undefined;
    },
    10_000,
    `run ${id} to end`,
  );
}

describe('runJob and the _JobStatus queries', () => {
  it('runJob (master) answers with the status id at once; jobStatus shows the run’s end, message and params', async () => {
    const { runJob } = await s.ok(RUN, { name: 'hello', params: { name: 'Ada' } });
    expect(runJob).toMatchObject({
      clientMutationId: 'c1',
      jobStatus: { objectId: runJob.jobStatusId, jobName: 'hello', source: 'api', params: { name: 'Ada' } },
    });
    const status = await finished(runJob.jobStatusId);
    expect(status).toMatchObject({ status: 'succeeded', message: 'hello Ada', params: { name: 'Ada' } });
    expect(Date.parse(status.finishedAt)).toBeGreaterThanOrEqual(Date.parse(status.startedAt));
  });

  it('a failed run is found with jobStatuses filters, with its error message', async () => {
    const { runJob } = await s.ok(RUN, { name: 'fails' });
    await finished(runJob.jobStatusId);
    const { jobStatuses } =
      await s.ok(`{ jobStatuses(where: { jobName: { equalTo: "fails" }, status: { equalTo: "failed" } }, order: [createdAt_DESC], first: 5) {
      count edges { node { objectId message finishedAt } } } }`);
    expect(jobStatuses.count).toBe(1);
    expect(jobStatuses.edges[0].node).toMatchObject({ objectId: runJob.jobStatusId, message: 'the report is missing' });
  });

  it('only the master key runs jobs or reads their statuses', async () => {
    const run = await s.anon(RUN, { name: 'hello' });
    expect(run.errors?.[0]).toMatchObject({ message: 'unauthorized: master key is required', extensions: { code: 119 } });
    const read = await s.anon(`{ jobStatuses { count } }`);
    expect(read.errors?.[0]?.extensions?.code).toBe(119);
  });

  it('an unknown job answers Parse’s "Invalid job." (141)', async () => {
    const r = await s.master(RUN, { name: 'nothing-like-it' });
    expect(r.errors?.[0]).toMatchObject({ message: 'Invalid job.', extensions: { code: 141 } });
  });
});

describe('_JobSchedule: schedules set at run time', () => {
  it('a schedule created through the API runs its job on its ticks, and stops once deleted', async () => {
    const created =
      await s.ok(`mutation { createJobSchedule(input: { fields: { jobName: "pulse", cron: "* * * * * *", timeZone: "Europe/Berlin", params: "{\\"n\\":1}" } }) {
      jobSchedule { objectId } } }`);
    const id = created.createJobSchedule.jobSchedule.objectId;
    const runs = `{ jobStatuses(where: { jobName: { equalTo: "pulse" }, source: { equalTo: "schedule" } }) { count edges { node { params } } } }`;
    const first = await eventually(
      async () => {
        const { jobStatuses } = await s.ok(runs);
        return jobStatuses.count >= 2 ? jobStatuses : undefined;
      },
      6000,
      'two scheduled runs',
    );
    expect(first.edges[0].node.params).toEqual({ n: 1 });
    await s.ok(`mutation { deleteJobSchedule(input: { id: "${id}" }) { jobSchedule { objectId } } }`);
    await new Promise((r) => setTimeout(r, 700));
    const before = (await s.ok(runs)).jobStatuses.count;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await s.ok(runs)).jobStatuses.count).toBe(before);
  });

  it('refuses a schedule for a job the code does not define, and one that cannot run', async () => {
    const unknown = await s.master(`mutation { createJobSchedule(input: { fields: { jobName: "ghost", cron: "* * * * *" } }) { jobSchedule { objectId } } }`);
    expect(unknown.errors?.[0]).toMatchObject({ message: 'Cannot Schedule a job that is not deployed', extensions: { code: 1 } });
    const badCron = await s.master(`mutation { createJobSchedule(input: { fields: { jobName: "pulse", cron: "61 * * * *" } }) { jobSchedule { objectId } } }`);
    expect(badCron.errors?.[0]?.extensions?.code).toBe(162);
    const badZone = await s.master(
      `mutation { createJobSchedule(input: { fields: { jobName: "pulse", cron: "* * * * *", timeZone: "Mars/Olympus" } }) { jobSchedule { objectId } } }`,
    );
    expect(badZone.errors?.[0]?.message).toMatch(/Invalid time zone/);
    const badParams = await s.master(
      `mutation { createJobSchedule(input: { fields: { jobName: "pulse", cron: "* * * * *", params: "[1" } }) { jobSchedule { objectId } } }`,
    );
    expect(badParams.errors?.[0]?.extensions?.code).toBe(107);
    const anon = await s.anon(`mutation { createJobSchedule(input: { fields: { jobName: "pulse", cron: "* * * * *" } }) { jobSchedule { objectId } } }`);
    expect(anon.errors?.[0]?.extensions?.code).toBe(119);
  });

  it('the registry view shows a job’s schedules with their next run and its last run', async () => {
    const view = await s.plinth.jobs.describe('hello');
    expect(view).toMatchObject({ name: 'hello', registered: true, schedules: [], lastRun: { status: 'succeeded', message: 'hello Ada' } });
  });
});
