import { generateKeyPairSync } from 'node:crypto';
import webpush from 'web-push';

/** Credentials as each push service hands them out, made up for tests, with the public halves the fakes verify with. */
export interface TestKeys {
  /** An APNs token-auth key: the .p8 text (PKCS#8 PEM of an EC P-256 key). */
  apns: { key: string; publicKey: string; keyId: string; teamId: string; topic: string };
  /** A Google service account (RSA), and its public key. */
  fcm: { projectId: string; clientEmail: string; privateKey: string; publicKey: string; serviceAccount: Record<string, string> };
  /** VAPID keys as `web-push generate-vapid-keys` prints them. */
  vapid: { publicKey: string; privateKey: string; subject: string };
}

let made: TestKeys | undefined;

/** The test keys: made once per process (an RSA key takes a moment). */
export function testKeys(): TestKeys {
  if (made) return made;
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = { type: 'pkcs8', format: 'pem' } as const;
  const spki = { type: 'spki', format: 'pem' } as const;
  const fcm = {
    projectId: 'plinth-test',
    clientEmail: 'firebase-adminsdk@plinth-test.iam.gserviceaccount.com',
    privateKey: rsa.privateKey.export(pem) as string,
    publicKey: rsa.publicKey.export(spki) as string,
  };
  made = {
    apns: {
      key: ec.privateKey.export(pem) as string,
      publicKey: ec.publicKey.export(spki) as string,
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
      topic: 'com.example.plinth',
    },
    fcm: {
      ...fcm,
      serviceAccount: { type: 'service_account', project_id: fcm.projectId, client_email: fcm.clientEmail, private_key: fcm.privateKey },
    },
    vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@plinth.test' },
  };
  return made;
}
