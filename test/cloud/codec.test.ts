import { describe, expect, it } from 'vitest';
import { decodeParams, encodeResult } from '../../src/cloud/codec.ts';
import { CloudAcl, CloudFileValue, CloudGeoPointValue, CloudObjectImpl, CloudRelationRef, fromStored, newObject } from '../../src/cloud/object/index.ts';
import { CLASS, INCLUDED, type ParseObject } from '../../src/core/index.ts';
import { env, parseError } from './object-fixture.ts';

// The codec: a cloud function's params (Parse JSON from a client) decoded to the SDK's types,
// and its result encoded back to Parse JSON as Parse Server sends it.

describe('decodeParams', () => {
  it('decodes Parse JSON to SDK values, recursively', () => {
    const params = decodeParams(
      {
        when: { __type: 'Date', iso: '2024-01-01T00:00:00.000Z' },
        post: { __type: 'Pointer', className: 'Post', objectId: 'p1' },
        file: { __type: 'File', name: 'a.png', url: 'http://evil.test/a.png' },
        at: { __type: 'GeoPoint', latitude: 1, longitude: 2 },
        blob: { __type: 'Bytes', base64: 'AQID' },
        area: {
          __type: 'Polygon',
          coordinates: [
            [0, 0],
            [0, 1],
            [1, 1],
          ],
        },
        likes: { __type: 'Relation', className: 'Author' },
        list: [{ __type: 'Date', iso: '2024-01-02T00:00:00.000Z' }, [{ n: 1 }], null, 'x'],
        plain: { a: { b: { __type: 'Pointer', className: 'Author', objectId: 'a1' } } },
      },
      env,
    ) as Record<string, any>;
    expect(params.when).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect(params.post).toBeInstanceOf(CloudObjectImpl);
    expect([params.post.className, params.post.id, params.post.dirty()]).toEqual(['Post', 'p1', false]);
    expect(params.file).toBeInstanceOf(CloudFileValue);
    // The URL is the server's, never the one the client sent.
    expect(params.file.url()).toBe('http://files.test/a.png');
    expect(params.at).toBeInstanceOf(CloudGeoPointValue);
    expect(params.blob).toEqual({ __type: 'Bytes', base64: 'AQID' });
    expect(params.area).toEqual({
      __type: 'Polygon',
      coordinates: [
        [0, 0],
        [0, 1],
        [1, 1],
      ],
    });
    expect(params.likes).toBeInstanceOf(CloudRelationRef);
    expect(params.likes.targetClassName).toBe('Author');
    expect(params.list).toEqual([new Date('2024-01-02T00:00:00.000Z'), [{ n: 1 }], null, 'x']);
    expect(params.plain.a.b.id).toBe('a1');
  });

  it('decodes {__type: Object} to a saved object with its fields', () => {
    const { author } = decodeParams(
      {
        author: {
          __type: 'Object',
          className: 'Author',
          objectId: 'a1',
          createdAt: '2024-01-01T00:00:00.000Z',
          name: 'Ann',
          mentor: { __type: 'Pointer', className: 'Author', objectId: 'a2' },
          ACL: { '*': { read: true } },
        },
      },
      env,
    ) as { author: CloudObjectImpl };
    expect([author.className, author.id, author.get('name'), author.get('mentor').id, author.isNew(), author.dirty()]).toEqual([
      'Author',
      'a1',
      'Ann',
      'a2',
      false,
      false,
    ]);
    expect(author.createdAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect(author.updatedAt).toEqual(author.createdAt);
    expect(author.getACL()).toBeInstanceOf(CloudAcl);
  });

  it('drops __proto__, constructor and prototype keys, and pollutes nothing', () => {
    const json = JSON.parse(
      '{"a": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "ok": 1}, "__proto__": {"polluted": true}}',
    );
    const params = decodeParams(json, env) as Record<string, any>;
    expect(params).toEqual({ a: { ok: 1 } });
    expect(Object.getPrototypeOf(params.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses malformed encodings and deep nesting with a ParseError', () => {
    expect(parseError(() => decodeParams({ d: { __type: 'Date', iso: 'yesterday' } }, env)).code).toBe(111);
    expect(parseError(() => decodeParams({ p: { __type: 'Pointer', className: 'Post' } }, env)).code).toBe(106);
    expect(parseError(() => decodeParams({ g: { __type: 'GeoPoint', latitude: 91, longitude: 0 } }, env)).code).toBe(107);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const error = parseError(() => decodeParams(deep, env));
    expect(error.code).toBe(107);
    expect(error.message).toMatch(/nested too deeply/);
    let deepArrays: unknown = 1;
    for (let i = 0; i < 10_000; i++) deepArrays = [deepArrays];
    expect(parseError(() => decodeParams(deepArrays, env)).code).toBe(107);
  });
});

describe('encodeResult', () => {
  const stored = {
    [CLASS]: 'Post',
    objectId: 'p1',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    title: 'Hi',
    when: '2024-06-01T00:00:00.000Z',
    author: 'a1',
    cover: 'c.png',
    [INCLUDED]: {},
  } as unknown as ParseObject;

  it("encodes an object with data as its full JSON, a pointer-only object as a pointer (Parse's FunctionsRouter)", () => {
    const post = fromStored('Post', stored, env);
    expect(encodeResult({ post, list: [post.get('author')] }, env)).toEqual({
      post: {
        __type: 'Object',
        className: 'Post',
        objectId: 'p1',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
        title: 'Hi',
        when: { __type: 'Date', iso: '2024-06-01T00:00:00.000Z' },
        author: { __type: 'Pointer', className: 'Author', objectId: 'a1' },
        cover: { __type: 'File', name: 'c.png', url: 'http://files.test/c.png' },
      },
      list: [{ __type: 'Pointer', className: 'Author', objectId: 'a1' }],
    });
  });

  it('encodes included objects in full, nested', () => {
    const post = fromStored('Post', { ...stored, [INCLUDED]: { author: { [CLASS]: 'Author', objectId: 'a1', name: 'Ann' } } } as ParseObject, env);
    expect((encodeResult(post, env) as Record<string, unknown>).author).toEqual({ __type: 'Object', className: 'Author', objectId: 'a1', name: 'Ann' });
  });

  it('encodes an object with unsaved changes with its current values; an unsaved one without objectId', () => {
    const post = fromStored('Post', stored, env).set('title', 'Changed');
    expect(encodeResult(post, env)).toMatchObject({ __type: 'Object', objectId: 'p1', title: 'Changed' });
    expect(encodeResult(newObject('Author', { name: 'Nia' }, env), env)).toEqual({ __type: 'Object', className: 'Author', name: 'Nia' });
  });

  it('encodes dates, points, files and ACLs; drops undefined and functions; keeps null', () => {
    const value = {
      d: new Date('2024-01-01T00:00:00Z'),
      g: new CloudGeoPointValue({ latitude: 1, longitude: 2 }),
      f: new CloudFileValue('x', 'http://files.test/x'),
      acl: new CloudAcl({ '*': { read: true } }),
      u: undefined,
      fn: () => 1,
      n: null,
      arr: [undefined, 1],
    };
    expect(encodeResult(value, env)).toEqual({
      d: { __type: 'Date', iso: '2024-01-01T00:00:00.000Z' },
      g: { __type: 'GeoPoint', latitude: 1, longitude: 2 },
      f: { __type: 'File', name: 'x', url: 'http://files.test/x' },
      acl: { '*': { read: true } },
      n: null,
      arr: [null, 1],
    });
    expect(encodeResult('text', env)).toBe('text');
    expect(encodeResult(undefined, env)).toBeUndefined();
  });

  it('a cycle of plain values is a clear error (107), not a stack overflow', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    const error = parseError(() => encodeResult(a, env));
    expect(error.code).toBe(107);
    expect(error.message).toMatch(/circular/);
    expect(parseError(() => encodeResult({ n: 10n }, env)).code).toBe(107);
  });

  it('objects that refer to each other: the inner reference becomes a pointer, as in Parse', () => {
    const a = fromStored('Author', { [CLASS]: 'Author', objectId: 'a1', name: 'A' } as ParseObject, env);
    const b = fromStored('Author', { [CLASS]: 'Author', objectId: 'a2', name: 'B' } as ParseObject, env);
    a.set('mentor', b);
    b.set('mentor', a);
    expect(encodeResult(a, env)).toEqual({
      __type: 'Object',
      className: 'Author',
      objectId: 'a1',
      name: 'A',
      mentor: { __type: 'Object', className: 'Author', objectId: 'a2', name: 'B', mentor: { __type: 'Pointer', className: 'Author', objectId: 'a1' } },
    });
  });

  it('a result decodes back to the same values', () => {
    const post = fromStored('Post', stored, env);
    const back = decodeParams(JSON.parse(JSON.stringify(encodeResult({ post, at: new Date(5) }, env))), env) as Record<string, any>;
    expect(back.at).toEqual(new Date(5));
    expect([back.post.id, back.post.get('title'), back.post.get('author').id, back.post.get('cover').name()]).toEqual(['p1', 'Hi', 'a1', 'c.png']);
  });
});
