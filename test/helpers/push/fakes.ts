import type { PushConfig } from '../../../src/config/push.ts';
import { FakeApns } from './fake-apns.ts';
import { FakeExpo } from './fake-expo.ts';
import { FakeFcm } from './fake-fcm.ts';
import { FakeWebPush } from './fake-web-push.ts';
import { testKeys } from './keys.ts';

/** The fake push services (APNs, FCM, Web Push, Expo), started, with the PLINTH_PUSH settings that point a server at them. */
export interface PushFakes {
  apns: FakeApns;
  fcm: FakeFcm;
  web: FakeWebPush;
  expo: FakeExpo;
  /** `config.push` for an in-process server (batchSize as given). */
  config: PushConfig;
  /** The PLINTH_PUSH JSON for a server in another process. */
  env: string;
  /** Every delivery each fake accepted so far, as [provider, device] keys. */
  delivered(): string[];
  reset(): void;
  stop(): Promise<void>;
}

export async function startPushFakes(options: { batchSize?: number; client?: boolean } = {}): Promise<PushFakes> {
  const keys = testKeys();
  const apns = new FakeApns({ topic: keys.apns.topic, keyId: keys.apns.keyId, teamId: keys.apns.teamId, publicKey: keys.apns.publicKey });
  const fcm = new FakeFcm({ projectId: keys.fcm.projectId, clientEmail: keys.fcm.clientEmail, publicKey: keys.fcm.publicKey });
  const web = new FakeWebPush({ vapidPublicKey: keys.vapid.publicKey });
  const expo = new FakeExpo();
  const [a, f, , expoUrl] = await Promise.all([apns.start(), fcm.start(), web.start(), expo.start()]);
  const services = {
    ios: { teamId: keys.apns.teamId, keyId: keys.apns.keyId, key: keys.apns.key, topic: keys.apns.topic, production: false, url: a.url, ca: a.ca },
    android: { projectId: keys.fcm.projectId, clientEmail: keys.fcm.clientEmail, privateKey: keys.fcm.privateKey, url: f.url, tokenUrl: f.tokenUrl },
    web: { publicKey: keys.vapid.publicKey, privateKey: keys.vapid.privateKey, subject: keys.vapid.subject, allowLocalEndpoints: true },
    expo: { url: expoUrl },
  };
  return {
    apns,
    fcm,
    web,
    expo,
    config: { client: options.client ?? false, batchSize: options.batchSize ?? 500, ...services },
    env: JSON.stringify(services),
    delivered: () => [
      ...apns.deliveries.map((d) => `ios ${d.token}`),
      ...fcm.deliveries.map((d) => `android ${d.token}`),
      ...web.deliveries.map((d) => `web ${d.id}`),
      ...expo.deliveries.map((d) => `expo ${d.token}`),
    ],
    reset() {
      apns.reset();
      fcm.reset();
      web.reset();
      expo.reset();
    },
    async stop() {
      await Promise.all([apns.stop(), fcm.stop(), web.stop(), expo.stop()]);
    },
  };
}
