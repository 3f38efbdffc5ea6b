/*
 * The push seam: one provider per push service (Apple's APNs, Firebase Cloud Messaging, Web
 * Push, Expo), each sending a batch of deliveries and answering one result per device. The callers
 * (the push queue) decide what a result means for the installation and when to try again; a
 * provider never retries on its own except to renew its own credentials once.
 */

export type ProviderName = 'ios' | 'android' | 'web' | 'expo';

/** One device to notify: its installation's objectId, its provider token, and the data to send it (badge already a number when it was "Increment"). */
export interface Delivery {
  installationId: string;
  token: string;
  data: Record<string, unknown>;
  pushType?: string;
}

export type DeliveryResult =
  | { status: 'sent' }
  /** The token is unknown to the provider: remove it from its installation. */
  | { status: 'gone'; error: string }
  /** Throttled, provider error or network: try again later. */
  | { status: 'retry'; error: string; retryAfterMs?: number }
  /** Refused for good (bad token format, bad payload). */
  | { status: 'failed'; error: string };

export interface SendOptions {
  pushId: string;
  expiresAt?: Date;
}

export interface PushProvider {
  readonly name: ProviderName;
  /** Sends each delivery once; resolves with one result per delivery, in order; never rejects for a device's failure. */
  send(deliveries: readonly Delivery[], options: SendOptions): Promise<DeliveryResult[]>;
  close(): Promise<void>;
}

export interface PushProviders {
  get(name: ProviderName): PushProvider | undefined;
  close(): Promise<void>;
}
