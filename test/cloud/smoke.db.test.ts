import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('cloud smoke', () => {
  let s: TestServer;
  const seen: string[] = [];
  beforeAll(async () => {
    s = await startTestServer(
      {},
      {
        cloud: (cloud) => {
          cloud.define('hello', (req) => `Hello ${req.params.name ?? 'world'}!`);
          cloud.beforeSave('Post', (req) => {
            seen.push('beforeSave:' + req.object.dirtyKeys().join(','));
            req.object.set('slug', String(req.object.get('title')).toLowerCase());
          });
          cloud.afterSave('Post', (req) => {
            seen.push('afterSave:' + req.object.get('slug') + ':' + (req.original ? 'update' : 'create'));
          });
          cloud.beforeFind('Post', (req) => {
            req.query.equalTo('hidden', false);
          });
          cloud.afterFind('Post', (req) => req.objects.map((o) => o.set('title', String(o.get('title')).toUpperCase())));
        },
      },
    );
    await s.ok(
      `mutation { createClass(input: {name: "Post", schemaFields: {addStrings: [{name: "title"}, {name: "slug"}], addBooleans: [{name: "hidden"}]}}) { class { name } } }`,
    );
  });
  afterAll(() => s?.close());

  it('calls a function', async () => {
    const r = await s.anon(`mutation { callCloudCode(input: {functionName: hello, params: {name: "you"}}) { result } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.callCloudCode.result).toBe('Hello you!');
  });

  it('runs save and find triggers', async () => {
    const r = await s.anon(`mutation { createPost(input: {fields: {title: "Hi There", hidden: false}}) { post { objectId slug title } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.createPost.post.slug).toBe('hi there');
    await s.anon(`mutation { createPost(input: {fields: {title: "Secret", hidden: true}}) { post { objectId } } }`);
    const list = await s.anon(`{ posts { count edges { node { title slug } } } }`);
    expect(list.errors).toBeUndefined();
    expect(list.data.posts.edges.map((e: any) => e.node.title)).toEqual(['HI THERE']);
    expect(seen).toContain('beforeSave:hidden,title');
    expect(seen).toContain('afterSave:hi there:create');
  });
});
