// Regenerates schema.graphql, the printed SDL of the built-in API (`npm run schema:print`).
// test/server/schema-file.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { builtInSchema } from '../src/graphql/builtin-schema.ts';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(target, printSchema(builtInSchema()) + '\n');
console.log(`wrote ${target}`);
