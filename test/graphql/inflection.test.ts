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

  it('decodes only the canonical base64 of valid UTF-8: one object, one global id', () => {
    // A custom objectId outside ASCII round-trips through its UTF-8 bytes.
    for (const objectId of ['café', 'ключ', '鍵🔑', 'a:b', 'x\ny']) {
      expect(inflection.fromGlobalId(inflection.toGlobalId('Post', objectId))).toEqual({ className: 'Post', objectId });
    }
    const id = inflection.toGlobalId('Post', 'abc'); // UG9zdDphYmM=
    expect(id).toBe('UG9zdDphYmM=');
    // Same bytes, non-zero padding bits: not the canonical spelling, so not a global id.
    expect(inflection.fromGlobalId('UG9zdDphYmN=')).toBeUndefined();
    // Invalid UTF-8 (a lone continuation byte) is not a global id either.
    expect(inflection.fromGlobalId(Buffer.from([0x50, 0x6f, 0x73, 0x74, 0x3a, 0x80, 0x61, 0x62, 0x63]).toString('base64'))).toBeUndefined();
    // Not base64, wrong length, no class part.
    for (const raw of ['vBTVah6uCg', 'abc', 'UG9z dDph', '====', Buffer.from('nocolon').toString('base64'), Buffer.from(':abc').toString('base64')]) {
      expect(inflection.fromGlobalId(raw)).toBeUndefined();
    }
  });
});
