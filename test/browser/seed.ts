import type { CloudApi } from '../../src/cloud/types.ts';
import { createClass, createObject, insertRows, signUp } from './fixtures.ts';
import type { Dashboard } from './harness.ts';

// A small blog the flow tests and the screenshots look at: users, a role, posts with a field of
// every common type, comments pointing at posts, and a little cloud code.

/** Cloud code with a trigger pair on Post, a function and a job (the cloud screen lists them). */
export function blogCloud(cloud: CloudApi): void {
  cloud.beforeSave('Post', (req) => {
    const title = req.object.get('title');
    if (typeof title === 'string') req.object.set('title', title.trim());
  });
  cloud.afterSave('Post', () => undefined);
  cloud.define('hello', (req) => `hello ${String(req.params.name ?? 'world')}`);
  cloud.define('countPosts', async (req) => (await req.data.find('Post', {}, { useMasterKey: true })).length);
  cloud.job('reindex', async (req) => {
    await req.message('reindexing');
    return 'done';
  });
}

export interface Blog {
  alice: { id: string; sessionToken: string };
  bob: { id: string; sessionToken: string };
  posts: string[];
}

/** Classes Post and Comment, users alice and bob, role Editors, `posts` posts and `extra` bulk rows. */
export async function seedBlog(dash: Dashboard, options: { bulkPosts?: number } = {}): Promise<Blog> {
  const alice = await signUp(dash, 'alice', 'alice-password-1', { email: 'alice@example.test' });
  const bob = await signUp(dash, 'bob', 'bob-password-1', { email: 'bob@example.test' });
  await createClass(dash, 'Post', {
    title: { type: 'String' },
    views: { type: 'Number' },
    published: { type: 'Boolean' },
    publishedAt: { type: 'Date' },
    meta: { type: 'Object' },
    tags: { type: 'Array' },
    author: { type: 'Pointer', targetClass: '_User' },
    place: { type: 'GeoPoint' },
    related: { type: 'Relation', targetClass: 'Post' },
  });
  await createClass(dash, 'Comment', { text: { type: 'String' }, post: { type: 'Pointer', targetClass: 'Post' } });
  const posts: string[] = [];
  const samples = [
    ['Hello, world', 12, true, alice.id],
    ['Notes on keyset paging', 340, true, alice.id],
    ['Draft: dark mode', 0, false, bob.id],
    ['Why PostgreSQL', 95, true, bob.id],
  ] as const;
  for (const [i, [title, views, published, author]] of samples.entries()) {
    posts.push(
      await createObject(dash, 'Post', {
        title,
        views,
        published,
        publishedAt: new Date(Date.UTC(2026, 10, 1 + i, 9, 30)),
        meta: { words: 100 * (i + 1), lang: 'en' },
        tags: ['plinth', i % 2 ? 'db' : 'ui'],
        author,
        place: { __type: 'GeoPoint', latitude: 48.85 + i, longitude: 2.35 },
      }),
    );
  }
  await createObject(dash, 'Comment', { text: 'Nice post', post: posts[0] });
  await createObject(dash, 'Comment', { text: 'Thanks!', post: posts[0] });
  if (options.bulkPosts) await insertRows(dash, 'Post', options.bulkPosts, { title: `'Post #' || n`, views: 'n', published: 'n % 2 = 0' }, 'p');
  await dash.master(
    `mutation { createRole(input: { fields: { name: "Editors", ACL: { public: { read: true, write: false } }, users: { add: ["${alice.id}"] } } }) { role { objectId } } }`,
  );
  return { alice, bob, posts };
}
