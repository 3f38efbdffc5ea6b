import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { CloudError } from '../../src/cloud/errors.ts';
import { defineCloud } from '../../src/cloud/define.ts';
import { CloudLoadError, loadCloudModule } from '../../src/cloud/loader/index.ts';
import { plinthModule } from '../../src/cloud/loader/plinth-module.ts';
import { RegistryBuilder, type CloudRegistry } from '../../src/cloud/registry.ts';
import type { CloudData, CloudSetup } from '../../src/cloud/types.ts';

const FIXTURES = path.resolve(__dirname, '../fixtures/cloud');
const fixture = (name: string) => path.join(FIXTURES, name);

const temporary: string[] = [];
/** A directory outside the project, with these files in it. */
function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plinth-cloud-'));
  temporary.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** Runs a cloud file's setup as the server does, and returns the registry it built. */
async function registryOf(setup: CloudSetup): Promise<CloudRegistry> {
  const builder = new RegistryBuilder({} as CloudData, createLogger('silent'));
  await setup(builder);
  return builder.build();
}

async function load(entry: string): Promise<CloudRegistry> {
  return registryOf((await loadCloudModule(entry)).setup);
}

async function call(registry: CloudRegistry, name: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const fn = registry.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn.handler({ params } as never);
}

async function loadError(entry: string): Promise<CloudLoadError> {
  const error = await loadCloudModule(entry).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudLoadError);
  return error as CloudLoadError;
}

/** 1-based line and column of `marker` in a file (its first occurrence). */
function positionOf(file: string, marker: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((text) => text.includes(marker));
  if (index < 0) throw new Error(`${marker} is not in ${file}`);
  return { line: index + 1, column: lines[index].indexOf(marker) + 1 };
}

describe('loadCloudModule', () => {
  it('loads a TypeScript cloud file that imports plinth and a local helper', async () => {
    const loaded = await loadCloudModule(fixture('main.ts'));
    const registry = await registryOf(loaded.setup);
    expect(await call(registry, 'hello', { name: 'Ada' })).toBe('Hello Ada!');
    expect(registry.has('beforeSave', 'Post')).toBe(true);
    expect(registry.has('afterSave', 'Comment')).toBe(true);
    expect(loaded.files.sort()).toEqual([fixture('helpers/audit.ts'), fixture('helpers/greet.ts'), fixture('main.ts')]);
  });

  it("gives a cloud file this server's own plinth exports: its CloudError is the server's", async () => {
    const registry = await load(fixture('main.ts'));
    const thrown = await call(registry, 'refuse').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(CloudError);
    expect(thrown).toMatchObject({ code: CloudError.OBJECT_NOT_FOUND, message: 'No such post' });
  });

  it('offers a cloud file every runtime export of the public surface but createServer', async () => {
    const surface = await import('../../src/index.ts');
    const runtime = Object.entries(surface).filter(([name]) => name !== 'createServer');
    expect(Object.fromEntries(runtime)).toEqual(plinthModule);
    for (const [name, value] of runtime) expect(plinthModule[name]).toBe(value);
    expect(surface.defineCloud).toBe(defineCloud);
  });

  it('loads a plain .mjs file with a default export from a directory outside the project', async () => {
    const dir = tempDir({ 'main.mjs': "export default (cloud) => { cloud.define('hello', () => 'Hello world!'); };\n" });
    expect(await call(await load(path.join(dir, 'main.mjs')), 'hello')).toBe('Hello world!');
  });

  it("resolves 'plinth' in a file outside the project, without any node_modules", async () => {
    const dir = tempDir({
      'main.ts':
        "import { defineCloud, CloudError } from 'plinth';\nexport default defineCloud((cloud) => { cloud.define('code', () => CloudError.SCRIPT_FAILED); });\n",
    });
    expect(await call(await load(path.join(dir, 'main.ts')), 'code')).toBe(141);
  });

  it('loads a .js ES module and a .mts file', async () => {
    expect(await call(await load(fixture('plain.js')), 'hello')).toBe('Hello from JavaScript!');
    expect(await call(await load(fixture('module.mts')), 'hello')).toBe('Hello from .mts');
  });

  it('loads a CommonJS .js file whose module.exports is the setup (as Parse cloud code is written)', async () => {
    const dir = tempDir({
      'main.js': "const { word } = require('./word.js');\nmodule.exports = (cloud) => { cloud.define('hello', () => word); };\n",
      'word.js': "exports.word = 'one';\n",
    });
    const entry = path.join(dir, 'main.js');
    expect(await call(await load(entry), 'hello')).toBe('one');
    writeFileSync(path.join(dir, 'word.js'), "exports.word = 'two';\n");
    const loaded = await loadCloudModule(entry);
    expect(await call(await registryOf(loaded.setup), 'hello')).toBe('two');
    expect(loaded.files.sort()).toEqual([entry, path.join(dir, 'word.js')]);
  });

  describe('reloading', () => {
    it('sees an edited entry and an edited imported helper', async () => {
      const dir = tempDir();
      cpSync(FIXTURES, dir, { recursive: true });
      const entry = path.join(dir, 'main.ts');
      expect(await call(await load(entry), 'hello', { name: 'Ada' })).toBe('Hello Ada!');

      // biome-ignore lint/suspicious/noTemplateCurlyInString: the cloud file's own template literal
      writeFileSync(entry, readFileSync(entry, 'utf8').replace("greet(request.params.name ?? 'world')", 'greet(`${request.params.name}?`)'));
      expect(await call(await load(entry), 'hello', { name: 'Ada' })).toBe('Hello Ada?!');

      const helper = path.join(dir, 'helpers/greet.ts');
      writeFileSync(helper, readFileSync(helper, 'utf8').replace("'Hello'", "'Goodbye'"));
      expect(await call(await load(entry), 'hello', { name: 'Ada' })).toBe('Goodbye Ada?!');
    });

    it('sees edited .mjs, "type": "module" .js and .json files imported by a .mjs entry', async () => {
      const dir = tempDir({
        'main.mjs':
          "import { a } from './a.mjs';\nimport { b } from './lib/b.js';\nimport c from './c.json' with { type: 'json' };\nexport default (cloud) => { cloud.define('values', () => [a, b, c.c]); };\n",
        'a.mjs': 'export const a = 1;\n',
        'c.json': '{"c": 1}\n',
      });
      cpSync(tempDir({ 'package.json': '{"type": "module"}', 'b.js': 'export const b = 1;\n' }), path.join(dir, 'lib'), { recursive: true });
      const entry = path.join(dir, 'main.mjs');
      expect(await call(await load(entry), 'values')).toEqual([1, 1, 1]);

      writeFileSync(path.join(dir, 'a.mjs'), 'export const a = 2;\n');
      writeFileSync(path.join(dir, 'lib/b.js'), 'export const b = 2;\n');
      writeFileSync(path.join(dir, 'c.json'), '{"c": 2}\n');
      const loaded = await loadCloudModule(entry);
      expect(await call(await registryOf(loaded.setup), 'values')).toEqual([2, 2, 2]);
      expect(loaded.files.sort()).toEqual([path.join(dir, 'a.mjs'), path.join(dir, 'c.json'), path.join(dir, 'lib/b.js'), entry].sort());
    });

    it('shares installed packages between loads instead of loading them again', async () => {
      const dir = tempDir({ 'main.mjs': "import DataLoader from 'dataloader';\nexport default (cloud) => { cloud.define('cls', () => DataLoader); };\n" });
      symlinkSync(path.resolve(__dirname, '../../node_modules'), path.join(dir, 'node_modules'));
      const entry = path.join(dir, 'main.mjs');
      const first = await call(await load(entry), 'cls');
      expect(first).toBeTypeOf('function');
      expect(await call(await load(entry), 'cls')).toBe(first);
      expect((await loadCloudModule(entry)).files).toEqual([entry]);
    });
  });

  describe('errors', () => {
    it('names the file and TypeScript line of a syntax error', async () => {
      const dir = tempDir({
        'main.ts': "import { defineCloud } from 'plinth';\n\ninterface A { x: string }\nconst broken: A = { x: };\n\nexport default defineCloud(() => {});\n",
      });
      const entry = path.join(dir, 'main.ts');
      const error = await loadError(entry);
      const column = positionOf(entry, 'x: }').column + 'x: '.length;
      expect(error).toMatchObject({ file: entry, line: 4, column });
      expect(error.message).toContain(`${entry}:4:${column}: `);
      expect(error.message).toMatch(/SyntaxError: Unexpected token/);
    });

    it('names the helper that does not parse, and watches it', async () => {
      const dir = tempDir({
        'main.ts': "import { helper } from './helper.ts';\nexport default (cloud: any) => { cloud.define('x', helper); };\n",
        'helper.ts': 'export function helper(): string {\n  return "a" +;\n}\n',
      });
      const error = await loadError(path.join(dir, 'main.ts'));
      expect(error).toMatchObject({ file: path.join(dir, 'helper.ts'), line: 2 });
      expect(error.files.sort()).toEqual([path.join(dir, 'helper.ts'), path.join(dir, 'main.ts')]);
    });

    it('names the file and TypeScript line of a throw at the top level', async () => {
      const entry = fixture('throws-at-load.ts');
      const error = await loadError(entry);
      const expected = positionOf(entry, 'throw new Error');
      expect(error).toMatchObject({ file: entry, line: expected.line });
      expect(error.message).toContain(`${entry}:${expected.line}:`);
      expect(error.message).toContain('Error: STRIPE_KEY is not set');
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('names the imported file that throws while loading', async () => {
      const helper = fixture('helpers/throws.ts');
      const error = await loadError(fixture('imports-throwing.ts'));
      expect(error).toMatchObject({ file: helper, line: positionOf(helper, 'throw new TypeError').line });
      expect(error.message).toContain('TypeError: cannot start in strict mode');
      expect(error.files).toContain(helper);
    });

    it('refuses a file without a default export, or whose default export is not a function', async () => {
      const missing = await loadError(fixture('no-default.ts'));
      expect(missing.message).toContain(fixture('no-default.ts'));
      expect(missing.message).toMatch(/no default export/);
      const wrong = await loadError(fixture('default-not-function.ts'));
      expect(wrong.message).toContain(fixture('default-not-function.ts'));
      expect(wrong.message).toMatch(/default export must be a function .* not object/);
    });

    it('names a missing cloud file, and one that is not a module', async () => {
      const dir = tempDir({ 'cloud.json': '{}' });
      expect((await loadError(path.join(dir, 'main.ts'))).message).toContain(`${path.join(dir, 'main.ts')}: no such file`);
      expect((await loadError(path.join(dir, 'cloud.json'))).message).toMatch(/must be a \.ts, .*\.mjs/);
    });

    it('names a local import that does not exist, at the line of the import', async () => {
      const dir = tempDir({ 'main.ts': "// first\nimport { x } from './missing.ts';\nexport default () => x;\n" });
      const error = await loadError(path.join(dir, 'main.ts'));
      expect(error).toMatchObject({ file: path.join(dir, 'main.ts'), line: 2 });
      expect(error.message).toContain('missing.ts');
    });
  });

  describe('source locations of registrations', () => {
    it('point at the line and column of the call in the TypeScript source', async () => {
      const entry = fixture('main.ts');
      const registry = await load(entry);
      const hello = positionOf(entry, "cloud.define<HelloParams>('hello'");
      expect(registry.functions.get('hello')?.source).toEqual({ file: entry, line: hello.line, column: hello.column + 'cloud.'.length });
      // Type annotations earlier on the same line: the transpiled column differs, the map restores it.
      const beforeSave = positionOf(entry, 'cloud.beforeSave(className');
      expect(registry.triggersFor('beforeSave', 'Post')[0].source).toEqual({ file: entry, line: beforeSave.line, column: beforeSave.column + 'cloud.'.length });
    });

    it('point at the helper file that made the registration', async () => {
      const helper = fixture('helpers/audit.ts');
      const registry = await load(fixture('main.ts'));
      expect(registry.triggersFor('afterSave', 'Comment')[0].source).toMatchObject({ file: helper, line: positionOf(helper, 'cloud.afterSave').line });
    });

    it('follow the file after an edit moves the registration', async () => {
      const dir = tempDir();
      cpSync(FIXTURES, dir, { recursive: true });
      const entry = path.join(dir, 'main.ts');
      writeFileSync(entry, readFileSync(entry, 'utf8').replace('const MAX_TITLE', '// a new line\n// and another\nconst MAX_TITLE'));
      const registry = await load(entry);
      expect(registry.functions.get('hello')?.source).toMatchObject({ file: entry, line: positionOf(entry, "cloud.define<HelloParams>('hello'").line });
    });

    it('point at the right line of a .mjs file', async () => {
      const dir = tempDir({ 'main.mjs': "\n\nexport default (cloud) => {\n  cloud.job('nightly', () => {});\n};\n" });
      const registry = await load(path.join(dir, 'main.mjs'));
      expect(registry.jobs.get('nightly')?.source).toEqual({ file: path.join(dir, 'main.mjs'), line: 4, column: 9 });
    });
  });
});
