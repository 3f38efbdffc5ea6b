import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// schema.graphql (repository root) is the printed SDL of the built-in API (builtInSchema() in
// src/graphql/builtin-schema.ts), for clients and reviewers. A change to the built-in schema
// without `npm run schema:print` fails here.
//
// The SDL is printed in a separate Node process, loaded the way `npm run schema:print` loads it
// (tsx): inside vitest, graphql-js is loaded twice (its CommonJS entry for Pothos, its ESM entry
// for src/), and printSchema refuses a schema that mixes the two.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRINT = `import { printSchema } from 'graphql';
import { builtInSchema } from './src/graphql/builtin-schema.ts';
process.stdout.write(printSchema(builtInSchema()) + '\\n');`;

describe('schema.graphql', () => {
  it('equals the printed built-in schema (run `npm run schema:print` to regenerate it)', () => {
    const printed = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PRINT], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'development' },
    });
    expect(printed).toMatch(/^type Query \{/m);
    const committed = readFileSync(new URL('schema.graphql', `file://${ROOT}`), 'utf8');
    expect(committed).toBe(printed);
  });
});
