import { afterAll, beforeAll, describe, it } from 'vitest';
import { startGoldenFixture, type GoldenFixture } from './fixture.ts';
import { checkGolden } from './golden.ts';

// Golden recordings of mutations: the statements inside the transaction (BEGIN … COMMIT are
// marked by the recorder), and the reads after it — only what the payload selects.
describe('golden SQL: writes', () => {
  let f: GoldenFixture;
  const globalId = (className: string, label: string) => Buffer.from(`${className}:${f.id(label)}`).toString('base64');
  beforeAll(async () => {
    f = await startGoldenFixture();
  });
  afterAll(() => f?.close());

  it('create with createAndLink and createAndAdd: one transaction', async () => {
    await checkGolden(f, {
      name: 'create-nested',
      title: 'Create with createAndLink and createAndAdd',
      about:
        'The nested objects, the post and the relation links are written in ONE transaction; after COMMIT only the selected pointer and relation are read (the post itself comes from its INSERT).',
      query: `mutation($fields: CreatePostFieldsInput) {
  createPost(input: { fields: $fields, clientMutationId: "c1" }) {
    clientMutationId
    post { id title views author { name } tags(order: [label_ASC]) { count edges { node { label } } } }
  }
}`,
      variables: {
        fields: {
          title: 'Fresh',
          views: 7,
          author: { createAndLink: { name: 'Zoe', age: 33 } },
          tags: {
            createAndAdd: [
              { label: 'new-a', rank: 10 },
              { label: 'new-b', rank: 11 },
            ],
            add: [f.id('alpha')],
          },
        },
      },
      statements: 8,
    });
  });

  it('update selecting fields: one UPDATE … RETURNING', async () => {
    await checkGolden(f, {
      name: 'update',
      title: 'Update, selecting fields of the updated object',
      about: 'One UPDATE that returns the selected columns: no read before or after it, and no BEGIN/COMMIT around it (one statement is atomic on its own).',
      query: 'mutation($id: ID!) { updatePost(input: { id: $id, fields: { title: "Renamed", views: 999 } }) { post { id title views body } } }',
      variables: { id: globalId('Post', 'post03') },
      statements: 1,
    });
  });

  it('delete', async () => {
    await checkGolden(f, {
      name: 'delete',
      title: 'Delete, returning the object as it was',
      about: "The object as it was comes back from the DELETE itself; the post's relation links go in the same transaction.",
      query: 'mutation($id: ID!) { deletePost(input: { id: $id }) { post { id title views } } }',
      variables: { id: globalId('Post', 'post04') },
      statements: 2,
    });
  });
});
