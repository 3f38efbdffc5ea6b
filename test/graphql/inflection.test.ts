import { describe, expect, it } from 'vitest';
import * as inflection from '../../src/graphql/inflection.ts';

describe('inflection (names as Parse Server derives them)', () => {
  it.each([
    ['Post', 'Post', 'post', 'posts'],
    ['_User', 'User', 'user', 'users'],
    ['_Role', 'Role', 'role', 'roles'],
    ['city', 'City', 'city', 'cities'],
    ['Person', 'Person', 'person', 'people'],
    ['GameScore', 'GameScore', 'gameScore', 'gameScores'],
    ['Box', 'Box', 'box', 'boxes'],
  ])('%s → type %s, get %s, find %s', (className, type, get, find) => {
    expect(inflection.typeName(className)).toBe(type);
    expect(inflection.getQueryName(className)).toBe(get);
    expect(inflection.findQueryName(className)).toBe(find);
  });

  it('derives every per-class name from the type name', () => {
    expect(inflection.classNames('Post')).toMatchInlineSnapshot(`
      {
        "mutations": [
          "createPost",
          "updatePost",
          "deletePost",
        ],
        "queries": [
          "post",
          "posts",
        ],
        "types": [
          "Post",
          "PostConnection",
          "PostEdge",
          "PostWhereInput",
          "PostRelationWhereInput",
          "PostOrder",
          "CreatePostFieldsInput",
          "UpdatePostFieldsInput",
          "PostPointerInput",
          "PostRelationInput",
          "IncrementPostFieldsInput",
          "PostArrayItemsInput",
          "CreatePostInput",
          "CreatePostPayload",
          "UpdatePostInput",
          "UpdatePostPayload",
          "DeletePostInput",
          "DeletePostPayload",
          "PostEvent",
        ],
      }
    `);
  });

  it('global ids are base64 of "<stored class name>:<objectId>" and raw ids pass through', () => {
    expect(inflection.toGlobalId('_User', 'abc')).toBe(Buffer.from('_User:abc').toString('base64'));
    expect(inflection.fromGlobalId(inflection.toGlobalId('Post', 'x1'))).toEqual({ className: 'Post', objectId: 'x1' });
    expect(inflection.toObjectId(inflection.toGlobalId('Post', 'x1'), 'Post')).toBe('x1');
    expect(inflection.toObjectId('vBTVah6uCg', 'Post')).toBe('vBTVah6uCg');
    // A global id of another class is not decoded into this one.
    expect(inflection.toObjectId(inflection.toGlobalId('Author', 'x1'), 'Post')).toBe(inflection.toGlobalId('Author', 'x1'));
  });
});
