import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../cloud/harness.ts';
import { type PushFakes, startPushFakes } from '../helpers/push/fakes.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';

// `POST /push` through Parse's REST API: master key only (as Parse; PLINTH_CLIENT_PUSH is off),
// `{result: true}` with the `_PushStatus` id in X-Parse-Push-Status-Id, delivered in the
// background; Parse's REST field names (push_time) and its 115 refusals.

let fakes: PushFakes;
let s: TestServer;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  fakes = await startPushFakes();
  s = await startTestServer({ push: fakes.config, jobs: { pollMs: 100 } });
  rest = restClient(s.plinth);
});
afterAll(async () => {
  await s?.close();
  await fakes?.stop();
});

async function status(id: string): Promise<Record<string, any>> {
  const d = await s.ok(`query S($id: ID!) { pushStatus(id: $id) { status numSent source query pushTime } }`, { id });
  return d.pushStatus;
}

describe('POST /push', () => {
  it('is refused for clients: anonymous and signed-in users get 403 Permission denied, nothing recorded', async () => {
    const user = await signUp(s, `pusher-${Date.now()}`);
    for (const call of [{}, { session: user.token }]) {
      const r = await rest('POST', 'push', { ...call, body: { channels: ['news'], data: { alert: 'nope' } } });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'Permission denied' });
      expect(r.headers.get('x-parse-push-status-id')).toBeNull();
    }
    const recorded = await s.ok(`{ pushStatuses { count } }`);
    expect(recorded.pushStatuses.count).toBe(0);
  });

  it('with the master key: {result: true} and the status id; the push is delivered, its source "rest"', async () => {
    await s.ok(
      `mutation { createInstallation(input: {fields: {installationId: "rest-push-1", deviceType: "android", deviceToken: "fcm-rest", channels: ["news"]}}) { clientMutationId } }`,
    );
    const r = await rest('POST', 'push', { master: true, body: { channels: ['news'], data: { alert: 'Hello from REST' } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ result: true });
    const id = r.headers.get('x-parse-push-status-id');
    expect(id).toBeTruthy();
    const done = await until(async () => {
      const st = await status(id!);
      return st.status === 'succeeded' ? st : undefined;
    });
    expect(done).toMatchObject({ numSent: 1, source: 'rest' });
    expect(JSON.parse(done.query)).toEqual({ channels: { $in: ['news'] } });
    expect(fakes.fcm.deliveries.map((d) => d.token)).toContain('fcm-rest');
  });

  it('Parse’s REST names: push_time schedules the push', async () => {
    const at = new Date(Date.now() + 3600_000).toISOString();
    const r = await rest('POST', 'push', { master: true, body: { where: { deviceType: 'ios' }, data: { alert: 'later' }, push_time: at } });
    expect(r.status).toBe(200);
    const st = await status(r.headers.get('x-parse-push-status-id')!);
    expect(st.status).toBe('scheduled');
    expect(Date.parse(st.pushTime)).toBe(Date.parse(at));
  });

  it('refusals as Parse: where and channels together, neither, no data (115)', async () => {
    const both = await rest('POST', 'push', { master: true, body: { where: {}, channels: ['a'], data: { alert: 'x' } } });
    expect(both.status).toBe(400);
    expect(both.body).toEqual({ code: 115, error: 'Channels and query can not be set at the same time.' });
    const neither = await rest('POST', 'push', { master: true, body: { data: { alert: 'x' } } });
    expect(neither.body).toEqual({ code: 115, error: 'Sending a push requires either "channels" or a "where" query.' });
    const noData = await rest('POST', 'push', { master: true, body: { channels: ['a'] } });
    expect(noData.body.code).toBe(115);
  });
});
