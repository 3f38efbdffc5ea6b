import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/config/logger.ts';
import { loadCloudModule } from '../../src/cloud/loader/index.ts';
import { RegistryBuilder, type CloudRegistry } from '../../src/cloud/registry.ts';
import type { CloudData, CloudSetup } from '../../src/cloud/types.ts';

/** The cloud file the describe, `cloudCode` and `plinth cloud` tests share. */
export const DESCRIBED = fileURLToPath(new URL('../fixtures/cloud/described.ts', import.meta.url));

/** `file:line` of the registration marked `@marker` in the fixture (see its comments). */
export function at(marker: string): { file: string; line: number; location: string } {
  const lines = readFileSync(DESCRIBED, 'utf8').split('\n');
  const index = lines.findIndex((text) => text.includes(`// @${marker}`));
  if (index < 0) throw new Error(`@${marker} is not in ${DESCRIBED}`);
  return { file: DESCRIBED, line: index + 1, location: `${DESCRIBED}:${index + 1}` };
}

/** The fixture's setup function, as the server would run it. */
export async function describedSetup(): Promise<CloudSetup> {
  return (await loadCloudModule(DESCRIBED)).setup;
}

/** The registry the fixture builds. */
export async function describedRegistry(): Promise<CloudRegistry> {
  const builder = new RegistryBuilder({} as CloudData, createLogger('silent'));
  await (await describedSetup())(builder);
  return builder.build();
}
