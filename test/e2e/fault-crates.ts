import { gql } from './process.ts';
import type { LoadRequest } from './fault-load.ts';

/*
 * The write shape of the kill -9 tests: a Crate created together with its Lid (createAndLink on
 * a pointer) and its Bottles (createAndAdd on a relation), all three carrying the crate's unique
 * tag and the crate its bottle count `n`. From what is stored one can then tell, for every
 * object, which write it came from: a crate is whole when its lid resolves to the lid of its tag
 * and its relation holds exactly the `n` bottles of its tag; a lid or bottle whose crate is
 * missing is the orphaned half of a write.
 */

export const CLASSES = [
  'mutation { createClass(input: { name: "Lid", schemaFields: { addStrings: [{ name: "tag" }] } }) { class { name } } }',
  'mutation { createClass(input: { name: "Bottle", schemaFields: { addStrings: [{ name: "tag" }] } }) { class { name } } }',
  'mutation { createClass(input: { name: "Crate", schemaFields: { addStrings: [{ name: "tag" }], addNumbers: [{ name: "n" }], addPointers: [{ name: "lid", targetClassName: "Lid" }], addRelations: [{ name: "bottles", targetClassName: "Bottle" }] } }) { class { name } } }',
];

const CREATE_CRATE = 'mutation($f: CreateCrateFieldsInput) { createCrate(input: { fields: $f }) { crate { objectId } } }';

/** The createCrate of `tag` with `n` bottles (1 to 3), nested, in one mutation. */
export function createCrate(tag: string, n: number, headers: Record<string, string>): LoadRequest {
  const f = { tag, n, lid: { createAndLink: { tag } }, bottles: { createAndAdd: Array.from({ length: n }, () => ({ tag })) } };
  return { op: 'createCrate', query: CREATE_CRATE, variables: { f }, headers, meta: { tag, n } };
}

export interface Crate {
  objectId: string;
  tag: string;
  n: number;
  lid: { objectId: string; tag: string } | null;
  bottles: { count: number; edges: { node: { objectId: string; tag: string } }[] };
}

export interface Stored {
  crates: Crate[];
  lids: { objectId: string; tag: string }[];
  bottles: { objectId: string; tag: string }[];
}

async function all<T>(origin: string, headers: Record<string, string>, field: string, selection: string): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const { status, body } = await gql(
      origin,
      `query($after: String) { ${field}(first: 500, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`,
      headers,
      { after },
    );
    if (status !== 200 || body.errors) throw new Error(`reading ${field} failed: HTTP ${status} ${JSON.stringify(body).slice(0, 500)}`);
    const page = body.data[field];
    nodes.push(...page.edges.map((e: { node: T }) => e.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** Everything stored, read through the API with `headers` (the master key). */
export async function readStored(origin: string, headers: Record<string, string>): Promise<Stored> {
  return {
    crates: await all<Crate>(origin, headers, 'crates', 'objectId tag n lid { objectId tag } bottles(first: 100) { count edges { node { objectId tag } } }'),
    lids: await all(origin, headers, 'lids', 'objectId tag'),
    bottles: await all(origin, headers, 'bottles', 'objectId tag'),
  };
}

/**
 * What is wrong with the stored objects, as sentences (none: every crate is whole, nothing is
 * orphaned). `sent` maps each tag a request was sent for to its bottle count.
 */
export function problems(stored: Stored, sent: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  const crateOf = new Map<string, Crate>();
  for (const c of stored.crates) {
    if (crateOf.has(c.tag)) out.push(`two crates with tag ${c.tag}`);
    crateOf.set(c.tag, c);
    if (sent.get(c.tag) !== c.n) out.push(`crate ${c.objectId}: tag ${c.tag} n ${c.n} was never sent`);
    if (!c.lid) out.push(`crate ${c.objectId} (${c.tag}): its lid does not resolve`);
    else if (c.lid.tag !== c.tag) out.push(`crate ${c.objectId} (${c.tag}): its lid has tag ${c.lid.tag}`);
    const bottles = c.bottles.edges.map((e) => e.node);
    if (c.bottles.count !== c.n || bottles.length !== c.n)
      out.push(`crate ${c.objectId} (${c.tag}): ${c.bottles.count} bottles (${bottles.length} listed), created with ${c.n}`);
    for (const b of bottles) if (b.tag !== c.tag) out.push(`crate ${c.objectId} (${c.tag}): holds bottle ${b.objectId} of ${b.tag}`);
  }
  const lidsByTag = new Map<string, number>();
  for (const l of stored.lids) lidsByTag.set(l.tag, (lidsByTag.get(l.tag) ?? 0) + 1);
  for (const [tag, count] of lidsByTag) {
    if (!crateOf.has(tag)) out.push(`orphaned lid: ${count} lid(s) of ${tag}, whose crate is missing`);
    else if (count !== 1) out.push(`${count} lids of ${tag}`);
  }
  const bottlesByTag = new Map<string, number>();
  for (const b of stored.bottles) bottlesByTag.set(b.tag, (bottlesByTag.get(b.tag) ?? 0) + 1);
  for (const [tag, count] of bottlesByTag) {
    const crate = crateOf.get(tag);
    if (!crate) out.push(`orphaned bottles: ${count} bottle(s) of ${tag}, whose crate is missing`);
    else if (count !== crate.n) out.push(`${count} bottles of ${tag}, its crate was created with ${crate.n}`);
  }
  return out;
}

/** SQL over the stored rows: join rows whose crate or bottle is missing (invisible through the API), and the number of join rows. */
export const JOIN_CHECK = `SELECT
  (SELECT count(*)::int FROM "_Join:bottles:Crate" j
     WHERE NOT EXISTS (SELECT 1 FROM "Crate" c WHERE c."objectId" = j."owningId")
        OR NOT EXISTS (SELECT 1 FROM "Bottle" b WHERE b."objectId" = j."relatedId")) AS "dangling",
  (SELECT count(*)::int FROM "_Join:bottles:Crate") AS "rows",
  (SELECT coalesce(sum("n"), 0)::int FROM "Crate") AS "expected"`;
