import { startTestServer, type TestServer } from '../helpers/server.ts';
import { unregisterAudit } from '../../src/admin/audit/index.ts';

/**
 * The fixed data set of the golden cases, created through the API:
 *
 *   Publisher  name country                       acme, birch
 *   Author     name age bio publisher→Publisher   ann bob cy (public), dee (not publicly readable)
 *   Category   name                               fiction, science
 *   Tag        label rank categories→[Category]   alpha beta gamma delta
 *   Post       title views body country author→Author editor→Author tags→[Tag]
 *              post01…postNN; views distinct (a total order without ties); every 5th post is
 *              not publicly readable; post i has tags i%4 and (i+1)%4, but every 7th has none.
 *
 * Every object has a label (`ann`, `post07`, …) that the recordings show instead of its objectId.
 */
export interface GoldenFixture {
  s: TestServer;
  /** objectId → label. */
  labels: Map<string, string>;
  /** label → objectId. */
  id(label: string): string;
  /** Every objectId stored now, in any class (to recognise the ids an operation creates). */
  storedIds(): Promise<Set<string>>;
  close(): Promise<void>;
}

export const POSTS = 60;
const AUTHORS = ['ann', 'bob', 'cy', 'dee'];
const TAGS = ['alpha', 'beta', 'gamma', 'delta'];
const COUNTRIES = ['NO', 'FR', 'SE'];

/** Views of post i (1-based): distinct for i = 1…60 (37 is coprime to 61). */
export const viewsOf = (i: number) => ((i * 37) % 61) * 10;
export const postLabel = (i: number) => `post${String(i).padStart(2, '0')}`;
const HIDDEN = { public: { read: false, write: false } };

export async function startGoldenFixture(): Promise<GoldenFixture> {
  // No catalog poll during a recording: its statements are not the operation's.
  const s = await startTestServer({ schemaPollMs: 3_600_000 });
  // The golden cases show the statements of the data path; the audit trail's insert (random
  // ids and times) for master-key writes is covered by test/admin/audit.db.test.ts.
  unregisterAudit(s.plinth.hooks);
  const labels = new Map<string, string>();
  const byLabel = new Map<string, string>();
  const remember = (label: string, objectId: string) => {
    labels.set(objectId, label);
    byLabel.set(label, objectId);
  };
  const id = (label: string) => {
    const found = byLabel.get(label);
    if (!found) throw new Error(`no fixture object "${label}"`);
    return found;
  };

  const createClass = (name: string, fields: string) =>
    s.ok(`mutation { createClass(input: { name: "${name}", schemaFields: { ${fields} } }) { class { name } } }`);
  await createClass('Publisher', 'addStrings: [{ name: "name" }, { name: "country" }]');
  await createClass(
    'Author',
    'addStrings: [{ name: "name" }, { name: "bio" }], addNumbers: [{ name: "age" }], addPointers: [{ name: "publisher", targetClassName: "Publisher" }]',
  );
  await createClass('Category', 'addStrings: [{ name: "name" }]');
  await createClass(
    'Tag',
    'addStrings: [{ name: "label" }], addNumbers: [{ name: "rank" }], addRelations: [{ name: "categories", targetClassName: "Category" }]',
  );
  await createClass(
    'Post',
    `addStrings: [{ name: "title" }, { name: "body" }, { name: "country" }], addNumbers: [{ name: "views" }],
     addPointers: [{ name: "author", targetClassName: "Author" }, { name: "editor", targetClassName: "Author" }],
     addRelations: [{ name: "tags", targetClassName: "Tag" }]`,
  );

  /** Creates objects of one class in one request (aliased mutations); returns nothing, remembers labels. */
  const createMany = async (type: string, items: { label: string; fields: Record<string, unknown> }[]) => {
    for (let start = 0; start < items.length; start += 20) {
      const chunk = items.slice(start, start + 20);
      const vars = chunk.map((_, i) => `$f${i}: Create${type}FieldsInput`).join(', ');
      const body = chunk.map((_, i) => `o${i}: create${type}(input: { fields: $f${i} }) { ${lower(type)} { objectId } }`).join('\n');
      const data = await s.ok(`mutation(${vars}) { ${body} }`, Object.fromEntries(chunk.map((c, i) => [`f${i}`, c.fields])));
      for (const [i, c] of chunk.entries()) remember(c.label, data[`o${i}`][lower(type)].objectId);
    }
  };

  await createMany('Publisher', [
    { label: 'acme', fields: { name: 'Acme Press', country: 'NO' } },
    { label: 'birch', fields: { name: 'Birch Books', country: 'FR' } },
  ]);
  await createMany('Author', [
    { label: 'ann', fields: { name: 'Ann', age: 41, bio: 'bio of Ann', publisher: { link: id('acme') } } },
    { label: 'bob', fields: { name: 'Bob', age: 35, bio: 'bio of Bob', publisher: { link: id('birch') } } },
    { label: 'cy', fields: { name: 'Cy', age: 29, bio: 'bio of Cy', publisher: { link: id('acme') } } },
    { label: 'dee', fields: { name: 'Dee', age: 52, bio: 'bio of Dee', publisher: { link: id('birch') }, ACL: HIDDEN } },
  ]);
  await createMany('Category', [
    { label: 'fiction', fields: { name: 'fiction' } },
    { label: 'science', fields: { name: 'science' } },
  ]);
  await createMany(
    'Tag',
    TAGS.map((label, i) => ({
      label,
      fields: { label, rank: i + 1, categories: { add: i % 2 ? [id('fiction'), id('science')] : [id('fiction')] } },
    })),
  );
  const posts = [];
  for (let i = 1; i <= POSTS; i++) {
    const fields: Record<string, unknown> = {
      title: `Post ${String(i).padStart(2, '0')}`,
      views: viewsOf(i),
      body: `body of post ${i}`,
      country: COUNTRIES[i % 3],
      author: { link: id(AUTHORS[i % 4]) },
      editor: { link: id(AUTHORS[(i + 1) % 3]) },
    };
    if (i % 7 !== 0) fields.tags = { add: [id(TAGS[i % 4]), id(TAGS[(i + 1) % 4])] };
    if (i % 5 === 0) fields.ACL = HIDDEN;
    posts.push({ label: postLabel(i), fields });
  }
  await createMany('Post', posts);

  return {
    s,
    labels,
    id,
    async storedIds() {
      const out = new Set<string>();
      for (const className of ['Publisher', 'Author', 'Category', 'Tag', 'Post']) {
        for (const row of await s.plinth.db.query<{ objectId: string }>(`SELECT "objectId" FROM "${className}"`)) out.add(row.objectId);
      }
      return out;
    },
    close: () => s.close(),
  };
}

function lower(type: string): string {
  return type[0].toLowerCase() + type.slice(1);
}
