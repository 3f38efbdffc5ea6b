import { describe, expect, it } from 'vitest';
import { documentCache } from '../../src/server/document-cache.ts';

const bulk = (i: number) =>
  `mutation { ${Array.from({ length: 40 }, (_, j) => `p${j}: createPost(input: { fields: { title: "Post ${i}-${j}" } }) { post { id } }`).join(' ')} }`;

describe('the parsed-document cache', () => {
  it('hands the same parsed document back from its second request on', () => {
    const cache = documentCache<{ n: number }>();
    const parsed = { n: 1 };
    expect(cache.get('query A { a }')).toBeUndefined();
    cache.set('query A { a }', parsed);
    expect(cache.get('query A { a }')).toBe(parsed);
    expect(cache.get('query A { a }')).toBe(parsed);
  });

  it("keeps an app's repeated operations while a bulk import sends thousands of documents once each, and holds few of those", () => {
    const cache = documentCache<{ n: number }>();
    const hot = 'query Hot($id: ID!) { post(id: $id) { title } }';
    cache.set(hot, { n: 1 });
    expect(cache.get(hot)).toEqual({ n: 1 });
    for (let i = 0; i < 3000; i++) cache.set(bulk(i), { n: i });
    expect(cache.get(hot)).toEqual({ n: 1 });
    // One-off documents only churn the small first-sighting cache: the early ones are gone.
    expect(cache.get(bulk(0))).toBeUndefined();
    expect(cache.get(bulk(100))).toBeUndefined();
    let kept = 0;
    for (let i = 0; i < 3000; i++) if (cache.get(bulk(i)) !== undefined) kept++;
    expect(kept * bulk(0).length).toBeLessThanOrEqual(256 * 1024);
  });
});
