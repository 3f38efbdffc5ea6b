#!/usr/bin/env node
// The top CPU costs in a V8 .cpuprofile (from `node --cpu-prof`, e.g. PLINTH_NODE_ARGS="--cpu-prof
// --cpu-prof-dir=DIR" node bench/rest.mjs aba): self time by function and by package / source
// folder, and inclusive time of the functions under a path filter.
//
//   node bench/rest/profile-top.mjs DIR/CPU.*.cpuprofile [--top=30] [--under=/src/rest/]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node bench/rest/profile-top.mjs file.cpuprofile [--top=30] [--under=/src/rest/]');
  process.exit(2);
}
const opt = (name, def) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const top = Number(opt('top', 30));
const under = opt('under', '');

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Self time per node from the samples and their time deltas (µs).
const self = new Map();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (cf) => {
  const url = cf.url || '';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const d = /\/(dist|src)\/(.+)\/[^/]+$/.exec(url);
  if (d) return `${d[1]}/${d[2]}`;
  return url.startsWith('node:') ? url : url ? url.replace(/^.*\//, '') : `(${cf.functionName || 'native'})`;
};
const label = (cf) => `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^.*?(node_modules|dist|src)\//, '$1/')}:${cf.lineNumber + 1}` : ''}`;

const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
const fnSelf = new Map();
const pkgSelf = new Map();
for (const [id, t] of self) {
  const cf = byId.get(id).callFrame;
  add(fnSelf, label(cf), t);
  add(pkgSelf, where(cf), t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(t)}  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s of samples`);
print('self time by package / source folder', pkgSelf, top);
print('self time by function', fnSelf, top);

if (under) {
  // Inclusive time: every sample counts once for each distinct matching frame on its stack.
  const incl = new Map();
  for (const [id, t] of self) {
    const seen = new Set();
    for (let n = id; n != null; n = parent.get(n)) {
      const cf = byId.get(n).callFrame;
      if (!cf.url.includes(under)) continue;
      const k = label(cf);
      if (!seen.has(k)) {
        seen.add(k);
        add(incl, k, t);
      }
    }
  }
  print(`inclusive time of functions under ${under}`, incl, top);
}
