import type { Logger } from '../config/logger.ts';
import type { SchemaStore } from '../schema/index.ts';
import { channels, type PubSub } from './types.ts';

export interface SchemaSyncOptions {
  store: SchemaStore;
  pubsub: PubSub;
  appId: string;
  logger?: Logger;
}

/** A catalog version as a number to compare (versions are bigint text); undefined if it is not one. */
function versionOf(value: unknown): bigint | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return BigInt(value);
  } catch {
    return undefined;
  }
}

/** `{"version": n}`: a JSON number while it is exact, the digits otherwise. */
function message(version: string): string {
  const n = Number(version);
  return JSON.stringify({ version: Number.isSafeInteger(n) ? n : version });
}

/**
 * Makes schema changes reach every instance at once instead of at the next catalog poll (which
 * stays the fallback, e.g. while Redis is away). When this instance's catalog version moves
 * past any version heard from others, it publishes `{"version": n}` on channels.schema(appId);
 * when a newer version arrives, the store reloads right away (listeners rebuild the GraphQL
 * schema as for a local change). When the pub/sub connection returns, the store checks the
 * catalog version once, since broadcasts may have been lost meanwhile.
 *
 * Called once at start-up, after the store's first load. Resolves once subscribed, with a
 * function that stops it.
 */
export async function syncSchema({ store, pubsub, appId, logger }: SchemaSyncOptions): Promise<() => Promise<void>> {
  const channel = channels.schema(appId);
  /** The highest version this instance knows of: its own, or one announced by another. */
  let known = versionOf(store.current.version) ?? 0n;

  const refresh = (why: string) =>
    store.refreshIfChanged().catch((error: unknown) => logger?.warn({ err: error }, `catalog reload (${why}) failed; the poll will retry`));

  const unsubscribe = await pubsub.subscribe(channel, (text) => {
    let announced: bigint | undefined;
    try {
      announced = versionOf((JSON.parse(text) as { version?: unknown } | null)?.version);
    } catch {
      announced = undefined;
    }
    if (announced === undefined) {
      logger?.warn({ channel }, 'ignoring a malformed schema version message');
      return;
    }
    if (announced > known) known = announced;
    const held = versionOf(store.current.version) ?? 0n;
    if (announced > held) void refresh('announced by another instance');
  });

  const offChange = store.onChange((next) => {
    const version = versionOf(next.version);
    if (version === undefined || version <= known) return;
    known = version;
    pubsub.publish(channel, message(next.version)).catch((error: unknown) => {
      logger?.debug({ err: error }, 'schema version not broadcast; other instances will notice it by polling');
    });
  });

  const offConnection = pubsub.onConnectionChange((connected) => {
    if (connected) void refresh('pub/sub reconnected');
  });

  return async () => {
    offChange();
    offConnection();
    await unsubscribe();
  };
}
