import type { Logger } from '../../config/logger.ts';
import type { PushConfig } from '../../config/push.ts';
import { createApnsProvider } from './apns.ts';
import { createExpoProvider } from './expo.ts';
import { createFcmProvider } from './fcm.ts';
import type { ProviderName, PushProvider, PushProviders } from './types.ts';
import { createWebPushProvider } from './web.ts';

export type { Delivery, DeliveryResult, ProviderName, PushProvider, PushProviders, SendOptions } from './types.ts';

export interface ProvidersOptions {
  logger?: Logger;
  /** The clock the providers age their credentials by (tests move it). */
  now?: () => number;
}

/**
 * The providers of the services `config` names, created at start-up. They open no connection
 * and ask for no token until their first send; `close` ends their connections.
 */
export function createProviders(config: PushConfig, options: ProvidersOptions = {}): PushProviders {
  const providers = new Map<ProviderName, PushProvider>();
  if (config.ios) providers.set('ios', createApnsProvider(config.ios, options));
  if (config.android) providers.set('android', createFcmProvider(config.android, options));
  if (config.web) providers.set('web', createWebPushProvider(config.web, options));
  if (config.expo) providers.set('expo', createExpoProvider(config.expo, options));
  return {
    get: (name) => providers.get(name),
    async close() {
      await Promise.all([...providers.values()].map((provider) => provider.close()));
    },
  };
}

const BY_DEVICE_TYPE: Record<string, ProviderName> = {
  ios: 'ios',
  osx: 'ios',
  tvos: 'ios',
  watchos: 'ios',
  visionos: 'ios',
  android: 'android',
  web: 'web',
  expo: 'expo',
};

/** The provider for an installation's Parse `deviceType`; undefined for the types no provider serves (e.g. "win"). */
export function providerFor(deviceType: string): ProviderName | undefined {
  return Object.hasOwn(BY_DEVICE_TYPE, deviceType) ? BY_DEVICE_TYPE[deviceType] : undefined;
}
