import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParseError } from '../../src/errors/index.ts';
import { Auth } from '../../src/security/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { countRows, createClass, expectError } from '../objects/helpers.ts';

// Nested inputs that say nothing to do answer with Parse Server's own codes and messages
// (lib/GraphQL/transformers/mutation.js), word for word, and store nothing.

const pointerMessage = (field: string) => `You need to provide link OR createLink on the pointer mutation of field ${field}`;
const relationMessage = (field: string) => `You need to provide at least one operation on the relation mutation of field ${field}`;

describe("nested inputs: Parse's messages", () => {
  let s: TestServer;
  let postId: string;
  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Author', 'addStrings: [{ name: "name" }], addPointers: [{ name: "mentor", targetClassName: "Author" }]');
    await createClass(
      s,
      'Post',
      `addStrings: [{ name: "title" }], addPointers: [{ name: "author", targetClassName: "Author" }],
       addRelations: [{ name: "fans", targetClassName: "Author" }], addFiles: [{ name: "cover" }]`,
    );
    postId = (await s.ok(`mutation { createPost(input: { fields: { title: "kept" } }) { post { objectId } } }`)).createPost.post.objectId;
  });
  afterAll(() => s?.close());

  const createPost = (fields: Record<string, unknown>) =>
    s.master(`mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }`, { f: fields });
  const updatePost = (fields: Record<string, unknown>) =>
    s.master(`mutation($id: ID!, $f: UpdatePostFieldsInput) { updatePost(input: { id: $id, fields: $f }) { post { objectId } } }`, { id: postId, f: fields });

  /** The error of a create and of an update with these fields; neither stores anything. */
  async function refused(fields: Record<string, unknown>, code: number, message: string): Promise<void> {
    const before = { posts: await countRows(s, 'Post'), authors: await countRows(s, 'Author') };
    expect(expectError(await createPost({ title: 'new', ...fields }), code).message).toBe(message);
    expect(expectError(await updatePost({ title: 'changed', ...fields }), code).message).toBe(message);
    expect({ posts: await countRows(s, 'Post'), authors: await countRows(s, 'Author') }).toEqual(before);
    const [row] = await s.plinth.db.query<{ title: string }>(`SELECT "title" FROM "Post" WHERE "objectId" = $1`, [postId]);
    expect(row.title).toBe('kept');
  }

  describe('pointer input with both or neither of link and createAndLink: 106', () => {
    const cases: [string, unknown][] = [
      ['neither', {}],
      ['both', { link: 'abc', createAndLink: { name: 'X' } }],
      ['only nulls', { link: null, createAndLink: null }],
      ['a null link', { link: null }],
    ];
    for (const [name, input] of cases) it(name, () => refused({ author: input }, 106, pointerMessage('author')));

    it('names the nested field when the bad input is inside createAndLink', () =>
      refused({ author: { createAndLink: { name: 'New', mentor: {} } } }, 106, pointerMessage('mentor')));
  });

  describe('relation input with no operation: 106', () => {
    it('an empty input', () => refused({ fans: {} }, 106, relationMessage('fans')));
    it('only nulls', () => refused({ fans: { add: null, remove: null, createAndAdd: null } }, 106, relationMessage('fans')));
    it('inside createAndAdd, naming the nested field', () => refused({ fans: { createAndAdd: [{ name: 'A', mentor: {} }] } }, 106, pointerMessage('mentor')));
  });

  describe('file input without a file or an upload: 130', () => {
    it('an empty input', () => refused({ cover: {} }, 130, 'Invalid file upload.'));
    it('only nulls', () => refused({ cover: { file: null, upload: null } }, 130, 'Invalid file upload.'));
  });

  it('the core operations (cloud code) say the same for the same inputs', async () => {
    const codeAndMessage = (e: unknown) => ({ code: (e as ParseError).code, message: (e as Error).message });
    const attempt = (input: Record<string, unknown>) => s.plinth.core.create(Auth.master(), 'Post', input).then(() => 'stored', codeAndMessage);
    expect(await attempt({ author: {} })).toEqual({ code: 106, message: pointerMessage('author') });
    expect(await attempt({ fans: {} })).toEqual({ code: 106, message: relationMessage('fans') });
    expect(await attempt({ fans: 'abc' })).toEqual({ code: 106, message: relationMessage('fans') });
  });

  it('a field named like an Object.prototype member is an unknown field (105), not a crash', async () => {
    const attempt = (name: string) =>
      s.plinth.core.create(Auth.master(), 'Post', { [name]: 'x' }).then(
        () => 'stored',
        (e: ParseError) => ({ code: e.code, message: e.message }),
      );
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(await attempt(name)).toEqual({ code: 105, message: `Field ${name} does not exist in class Post.` });
    }
  });
});
