// Options of the REST harness (bench/rest.mjs): each from an environment variable or a
// `--name=value` argument (arguments win), in the style of the GraphQL harness's config.
const OPTIONS = {
  // name: [ENV_VAR, default, type]
  url: ['REST_URL', 'http://127.0.0.1:1337/parse', 'string'],
  appId: ['PARSE_APP_ID', 'benchApp', 'string'],
  masterKey: ['PARSE_MASTER_KEY', 'benchMasterKey', 'string'],
  label: ['LABEL', '', 'string'],
  scenarios: ['SCENARIOS', 'seed,get,find,create,live', 'list'],
  runs: ['RUNS', 2, 'int'], // repetitions of each load scenario
  duration: ['DURATION_S', 10, 'num'],
  warmup: ['WARMUP_S', 2, 'num'],
  concurrency: ['CONCURRENCY', 32, 'int'],
  authors: ['SEED_AUTHORS', 100, 'int'],
  posts: ['SEED_POSTS', 10000, 'int'],
  seedConcurrency: ['SEED_CONCURRENCY', 8, 'int'], // creates in flight during the seed
  settle: ['SETTLE_S', 5, 'num'], // pause after the seed (autovacuum, checkpoints)
  findLimit: ['FIND_LIMIT', 100, 'int'],
  findMaxN: ['FIND_MAX_N', 9000, 'int'], // views threshold drawn uniformly from [0, findMaxN)
  viewsRange: ['VIEWS_RANGE', 10000, 'int'], // seeded views uniform in [0, viewsRange)
  liveUrl: ['LIVE_URL', '', 'string'], // default: REST_URL with ws:// (what the SDKs derive)
  liveIterations: ['LIVE_ITERATIONS', 200, 'int'],
  serverPid: ['SERVER_PID', 0, 'int'], // optional: sample the server's CPU and RSS
  out: ['OUT', '', 'string'], // optional: also append the JSON lines to this file
  sampleEvery: ['VALIDATE_EVERY', 50, 'int'], // deep-check 1 response in N
  as: ['REST_AS', 'master', 'string'], // get/find/create with the master key, or `anon` (app id only: ACL and CLP checks run)
};

function coerce(value, type, name) {
  if (type === 'list') {
    return String(value)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (type === 'int' || type === 'num') {
    const n = type === 'int' ? Number.parseInt(value, 10) : Number(value);
    if (!Number.isFinite(n)) throw new Error(`option ${name}: not a number: ${value}`);
    return n;
  }
  return String(value);
}

export function loadOptions(argv = process.argv.slice(2), env = process.env) {
  const args = {};
  for (const a of argv) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unrecognised argument: ${a}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!Object.hasOwn(OPTIONS, key)) throw new Error(`unknown option --${m[1]}\n${usage()}`);
    args[key] = m[2] ?? 'true';
  }
  const cfg = {};
  for (const [name, [envName, def, type]] of Object.entries(OPTIONS)) {
    const raw = Object.hasOwn(args, name) ? args[name] : env[envName] !== undefined && env[envName] !== '' ? env[envName] : def;
    cfg[name] = coerce(raw, type, name);
  }
  cfg.url = cfg.url.replace(/\/+$/, '');
  if (!['master', 'anon'].includes(cfg.as)) throw new Error(`REST_AS must be master or anon, got ${cfg.as}`);
  if (!cfg.liveUrl) cfg.liveUrl = cfg.url.replace(/^http/, 'ws');
  const known = ['seed', 'get', 'find', 'create', 'live'];
  const unknown = cfg.scenarios.filter((s) => !known.includes(s));
  if (unknown.length) throw new Error(`SCENARIOS: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return cfg;
}

export function usage() {
  const lines = ['Options (--name=value or environment variable):'];
  for (const [name, [envName, def]] of Object.entries(OPTIONS)) {
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    lines.push(`  ${flag.padEnd(20)} ${envName.padEnd(17)} default: ${JSON.stringify(def)}`);
  }
  return lines.join('\n');
}
