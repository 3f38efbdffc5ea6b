import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md's layout: a folder imports only from folders listed above it (config and errors
 * from anywhere). This walks src/ and checks every relative import.
 */
const ORDER = ['config', 'errors', 'db', 'schema', 'query', 'security', 'core', 'auth', 'cloud', 'files', 'push', 'live', 'graphql', 'rest', 'admin', 'server'];
const ANYWHERE = new Set(['config', 'errors']);
const SRC = path.resolve(__dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : files(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, '');
}

describe('layering', () => {
  it('no folder imports from a folder below it', () => {
    const violations: string[] = [];
    for (const file of files(SRC)) {
      const from = layerOf(file);
      const rank = ORDER.indexOf(from);
      if (rank < 0) continue; // top-level entry points (cli.ts, index.ts) may import anything
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from\s+'(\.[^']+)'/g)) {
        const target = layerOf(path.resolve(path.dirname(file), m[1]));
        if (target === from || ANYWHERE.has(target)) continue;
        const targetRank = ORDER.indexOf(target);
        if (targetRank < 0 || targetRank > rank) violations.push(`${path.relative(SRC, file)} imports ${m[1]} (${target} is not above ${from})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
