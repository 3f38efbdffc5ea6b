import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, gql, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// Cloud code in the real server (`node dist/cli.js start`, embedded PGlite): a TypeScript cloud
// file outside the project, importing `plinth` and a local helper, loads with no build step;
// editing it reloads it; a reload that fails keeps the previous code and logs file and line;
// user code that fails outside a request never takes the process down.

const APP_ID = 'cloud-e2e';
const MASTER_KEY = 'cloud-e2e-master-key-0123456789';
const headers = { 'x-parse-application-id': APP_ID };

let dir: string;
let server: PlinthProcess;

const entry = () => path.join(dir, 'cloud.ts');
const helper = () => path.join(dir, 'greeting.ts');

function writeEntry(extra = ''): void {
  writeFileSync(
    entry(),
    `import { defineCloud, CloudError } from 'plinth';
import { greeting } from './greeting.ts';

interface HelloParams { name?: string }

export default defineCloud((cloud) => {
  cloud.define<HelloParams>('hello', (req) => greeting(req.params.name ?? 'world'));
  cloud.define('refuse', () => {
    throw new CloudError(CloudError.OBJECT_NOT_FOUND, 'nothing here');
  });
  cloud.define('leaveBehind', () => {
    // Work the handler does not wait for, failing later: logged, never fatal.
    setTimeout(() => Promise.reject(new Error('forgotten promise')), 10);
    setTimeout(() => { throw new Error('thrown from a timer'); }, 20);
    return 'ok';
  });
${extra}
});
`,
  );
}

async function call(name: string, params: Record<string, unknown> = {}) {
  const r = await gql(
    server.origin,
    `mutation($f: CloudCodeFunction!, $p: Object) { callCloudCode(input: {functionName: $f, params: $p}) { result } }`,
    headers,
    { f: name, p: params },
  );
  return r.body;
}

/** Polls until `check` passes (a reload is asynchronous: the watcher waits for quiet, then loads). */
async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

beforeAll(async () => {
  await buildOnce();
  dir = tempDir('cloud');
  writeFileSync(helper(), `export function greeting(name: string): string {\n  return \`Hello \${name}!\`;\n}\n`);
  writeEntry();
  server = await startPlinth(
    {
      PLINTH_APP_ID: APP_ID,
      PLINTH_MASTER_KEY: MASTER_KEY,
      PLINTH_DATA_DIR: path.join(dir, 'data'),
      PLINTH_CLOUD: entry(),
      PLINTH_CLOUD_WATCH: 'true',
      PLINTH_LOG_LEVEL: 'info',
    },
    60_000,
  );
}, 180_000);

afterAll(async () => {
  await server?.stop('SIGTERM');
});

describe('a TypeScript cloud file in the real server', () => {
  it('loads with no build step, importing plinth and a local helper', async () => {
    expect(await call('hello', { name: 'Ada' })).toEqual({ data: { callCloudCode: { result: 'Hello Ada!' } } });
    const refused = await call('refuse');
    expect(refused.errors[0]).toMatchObject({ message: 'nothing here', extensions: { code: 101 } });
  });

  it('survives work a handler left behind that fails later', async () => {
    expect((await call('leaveBehind')).data.callCloudCode.result).toBe('ok');
    await new Promise((r) => setTimeout(r, 200));
    expect(server.child.exitCode).toBeNull();
    expect((await call('hello')).data.callCloudCode.result).toBe('Hello world!');
    expect(server.stdout()).toContain('thrown from a timer');
    expect(server.stdout()).toContain('forgotten promise');
  });

  it('reloads when an imported file changes', async () => {
    writeFileSync(helper(), `export function greeting(name: string): string {\n  return \`Bonjour \${name} !\`;\n}\n`);
    await eventually(async () => expect((await call('hello', { name: 'Ada' })).data.callCloudCode.result).toBe('Bonjour Ada !'));
  });

  it('keeps the previous code when a reload fails, and says where', async () => {
    writeEntry(`  cloud.define('added', () => 'new');\n  const broken: number = ;\n`);
    await eventually(async () => expect(server.stdout()).toMatch(/cloud code reload failed[^\n]*cloud\.ts:\d+/));
    expect((await call('hello', { name: 'Ada' })).data.callCloudCode.result).toBe('Bonjour Ada !');
    // The fix reloads, and the new function is callable (the schema's enum follows the code).
    writeEntry(`  cloud.define('added', () => 'new');\n`);
    await eventually(async () => expect((await call('added')).data?.callCloudCode.result).toBe('new'));
  });
});
