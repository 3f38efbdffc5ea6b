import type { Logger } from '../config/logger.ts';
import type { HookRegistry } from '../core/index.ts';
import { CloudHolder } from './holder.ts';
import { CloudLoadError, loadCloudModule, watchCloudFiles, type CloudFilesWatcher } from './loader/index.ts';
import { CloudDefinitionError, RegistryBuilder, type CloudRegistry } from './registry.ts';
import { CloudRuntime, type CloudRuntimeDeps } from './runtime.ts';
import type { CloudSetup } from './types.ts';
import { wireCoreHooks } from './wire-core.ts';

export interface CloudStartOptions extends Omit<CloudRuntimeDeps, 'holder'> {
  hooks: HookRegistry;
  /** The cloud file (PLINTH_CLOUD), or cloud code given as a function (createServer). */
  file?: string;
  setup?: CloudSetup;
  /** Reload when the file or a file it imports changes (development). */
  watch: boolean;
}

/** Cloud code as the server runs it: the registry in force, the runtime that runs handlers, and the reloads. */
export interface CloudCode {
  holder: CloudHolder;
  runtime: CloudRuntime;
  /** Loads the cloud file again and swaps the registry in; keeps the previous one when the file fails (and says why). */
  reload(): Promise<boolean>;
  close(): void;
}

/** Runs a cloud file's setup against a fresh builder; the registry once the setup (and what it awaited) is done. */
async function build(setup: CloudSetup, runtime: CloudRuntime, logger: Logger): Promise<CloudRegistry> {
  const builder = new RegistryBuilder(runtime.data, logger.child({ cloud: 'setup' }));
  await setup(builder);
  return builder.build();
}

/** Why a load failed, in one line with the file and line (CloudLoadError and CloudDefinitionError carry them). */
function describe(error: unknown): string {
  if (error instanceof CloudLoadError || error instanceof CloudDefinitionError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  const frame =
    error instanceof Error
      ? error.stack?.split('\n').find((l) => /\((?:file:\/\/)?\/.*:\d+:\d+\)$/.test(l.trim()) && !l.includes('/node_modules/'))
      : undefined;
  return frame ? `${message} (${frame.trim().replace(/^at\s+/, '')})` : message;
}

/**
 * Starts cloud code at server start-up: loads the cloud file (or runs the given setup), wires
 * its triggers into core, and in development watches the file and what it imports. A file that
 * fails at start-up stops the start with its file and line; a reload that fails keeps the
 * previous registry and logs why.
 */
export async function startCloud(options: CloudStartOptions): Promise<CloudCode> {
  const holder = new CloudHolder();
  const runtime = new CloudRuntime({ ...options, holder });
  const logger = options.logger;
  let watcher: CloudFilesWatcher | undefined;
  let files: string[] = options.file ? [options.file] : [];

  const load = async (): Promise<CloudRegistry> => {
    if (options.setup) return build(options.setup, runtime, logger);
    try {
      const loaded = await loadCloudModule(options.file!);
      files = loaded.files;
      return await build(loaded.setup, runtime, logger);
    } finally {
      watcher?.update(files);
    }
  };

  const reload = async (): Promise<boolean> => {
    try {
      const registry = await load();
      holder.swap(registry, (error) => logger.error({ err: error }, 'cloud code: a listener failed on reload'));
      logger.info({ functions: registry.functions.size, triggers: registry.triggers.length, jobs: registry.jobs.size }, 'cloud code reloaded');
      return true;
    } catch (error) {
      if (error instanceof CloudLoadError && error.files.length) files = error.files;
      watcher?.update(files);
      logger.error({ err: error }, `cloud code reload failed, the previous code stays in force: ${describe(error)}`);
      return false;
    }
  };

  const stopWiring = wireCoreHooks(options.hooks, holder, runtime);
  if (options.file || options.setup) {
    let registry: CloudRegistry;
    try {
      registry = await load();
    } catch (error) {
      stopWiring();
      throw new Error(describe(error), { cause: error });
    }
    holder.swap(registry);
    logger.info({ file: options.file, functions: registry.functions.size, triggers: registry.triggers.length, jobs: registry.jobs.size }, 'cloud code loaded');
    if (options.watch && options.file) watcher = watchCloudFiles(files, async () => void (await reload()), { log: logger });
  }
  return {
    holder,
    runtime,
    reload,
    close() {
      watcher?.close();
      stopWiring();
    },
  };
}
