import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';
import { type PushFakes, startPushFakes } from '../helpers/push/fakes.ts';

const SEND = `mutation Send($input: SendPushInput!) { sendPush(input: $input) { pushStatusId pushStatus { status } } }`;
const STATUS = `query S($id: ID!) { pushStatus(id: $id) { status numSent numFailed sentPerType sentPerUTCOffset count pushTime } }`;

describe('a local-time push across three time zones', () => {
  let fakes: PushFakes;
  let s: TestServer;
  beforeAll(async () => {
    fakes = await startPushFakes();
    s = await startTestServer({ push: fakes.config, jobs: { pollMs: 100 } });
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });

  it('goes out when each installation’s own clock reaches it', async () => {
    // Fixed-offset zones, so the test does not depend on the date: UTC, UTC+2 and UTC−3.
    const zones = { 'Etc/UTC': 'fcm-utc', 'Etc/GMT-2': 'fcm-plus-2', 'Etc/GMT+3': 'fcm-minus-3' } as const;
    for (const [timeZone, deviceToken] of Object.entries(zones))
      await s.ok(`mutation C($f: CreateInstallationFieldsInput) { createInstallation(input: {fields: $f}) { installation { objectId } } }`, {
        f: { installationId: `tz-${deviceToken}`, deviceType: 'android', deviceToken, timeZone, channels: ['tz'] },
      });
    // A wall-clock time 3 s from now in UTC, without a zone: each device's local time.
    const utcAt = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    const wall = utcAt.toISOString().slice(0, 19);
    const sent = await s.master(SEND, { input: { channels: ['tz'], data: { alert: 'Good morning' }, pushTime: wall } });
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendPush.pushStatus.status).toBe('scheduled');
    const id = sent.data.sendPush.pushStatusId;
    // UTC+2 reached that time two hours ago: it goes at once. UTC goes in 3 s. UTC−3 in three hours.
    await until(async () => (fakes.fcm.deliveries.some((d) => d.token === 'fcm-plus-2') ? true : undefined), 10_000);
    expect(fakes.fcm.deliveries.map((d) => d.token)).toEqual(['fcm-plus-2']);
    await until(async () => (fakes.fcm.deliveries.some((d) => d.token === 'fcm-utc') ? true : undefined), 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(utcAt.valueOf());
    await new Promise((r) => setTimeout(r, 300));
    expect(fakes.fcm.deliveries.map((d) => d.token).sort()).toEqual(['fcm-plus-2', 'fcm-utc']);
    const status = (await s.ok(STATUS, { id })).pushStatus;
    expect(status).toMatchObject({ status: 'running', numSent: 2, count: 1, pushTime: wall + '.000', sentPerUTCOffset: { '0': 1, '2': 1 } });
    // The third batch waits for 09:00 in UTC−3, three hours after UTC's.
    const { rows } = await s.plinth.db.raw.query(`SELECT "sendAt", "offsetMinutes" FROM "_PlinthPushBatch" WHERE "pushId" = $1 AND "finished" = false`, [id]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].offsetMinutes)).toBe(-180);
    expect(new Date(rows[0].sendAt as string).valueOf()).toBe(utcAt.valueOf() + 3 * 3600_000);
  });
});

describe('cloud code and push', () => {
  let fakes: PushFakes;
  let s: TestServer;
  const finished: Record<string, unknown>[] = [];
  beforeAll(async () => {
    fakes = await startPushFakes();
    s = await startTestServer(
      { push: fakes.config, jobs: { pollMs: 100 } },
      {
        cloud: (cloud) => {
          cloud.beforePush((request) => {
            if (request.push.data.alert === 'forbidden') throw new Error('not this one');
            request.push.data.stamped = 'by beforePush';
          });
          cloud.afterPush((request) => void finished.push(request.pushStatus));
          cloud.define('notify', (request) =>
            request.data.push({ channels: ['cloud'], data: { alert: request.params.text as string } }, { useMasterKey: true }),
          );
          cloud.define('notifyAsCaller', (request) => request.data.push({ channels: ['cloud'], data: { alert: 'x' } }));
        },
      },
    );
    await s.ok(
      `mutation { createInstallation(input: {fields: {installationId: "cloud-1", deviceType: "android", deviceToken: "fcm-cloud", channels: ["cloud"]}}) { installation { objectId } } }`,
    );
  });
  afterAll(async () => {
    await s?.close();
    await fakes?.stop();
  });
  afterEach(() => fakes.reset());

  it('data.push sends; beforePush changes the push; afterPush sees the final status', async () => {
    const r = await s.master(`mutation { callCloudCode(input: {functionName: notify, params: {text: "From cloud"}}) { result } }`);
    expect(r.errors).toBeUndefined();
    const id = r.data.callCloudCode.result as string;
    const status = await until(async () => finished.find((f) => f.objectId === id));
    expect(status).toMatchObject({ status: 'succeeded', numSent: 1, source: 'cloud' });
    expect(fakes.fcm.deliveries).toHaveLength(1);
    expect(JSON.parse((fakes.fcm.deliveries[0].message.data as Record<string, string>).data)).toMatchObject({ alert: 'From cloud', stamped: 'by beforePush' });
  });

  it('beforePush refuses a push with its error; nothing is recorded', async () => {
    const before = (await s.ok(`query { pushStatuses { count } }`)).pushStatuses.count;
    const r = await s.master(SEND, { input: { channels: ['cloud'], data: { alert: 'forbidden' } } });
    expect(r.errors?.[0]).toMatchObject({ message: 'not this one', extensions: { code: 141 } });
    expect((await s.ok(`query { pushStatuses { count } }`)).pushStatuses.count).toBe(before);
  });

  it('data.push without the master key is refused (client push is off)', async () => {
    const r = await s.anon(`mutation { callCloudCode(input: {functionName: notifyAsCaller}) { result } }`);
    expect(r.errors?.[0]).toMatchObject({ message: 'unauthorized: master key is required', extensions: { code: 119 } });
  });
});
