import { describe, expect, it } from 'vitest';
import { documentNesting } from '../../src/server/plugins/document-nesting.ts';

// The pre-parse guard of use-limits: how deeply brackets nest in a document's text.
describe('documentNesting', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['{ health }', 1],
    ['query { posts(where: { title: { equalTo: "x" } }) { edges { node { title } } } }', 4],
    ['{ a(list: [[1], [2, [3]]]) }', 5],
    // Brackets in strings, block strings and comments do not count.
    ['{ a(s: "{{{{[[[(((") }', 2],
    ['{ a(s: "quote \\" then {{{") }', 2],
    ['{ a(s: """ block { [ ( "quoted" \\""" still inside {{ """) }', 2],
    ['# {{{{{{{{\n{ health }', 1],
    ['{ health } # ((((\r{ b }', 1],
    // Unbalanced text (a syntax error for the parser) is measured without failing.
    ['}}}{', 1],
    ['{ a(s: "unterminated {{{\n{ b }', 3],
  ];
  for (const [source, depth] of cases) {
    it(`${JSON.stringify(source)} → ${depth}`, () => expect(documentNesting(source)).toBe(depth));
  }

  it('stops as soon as the limit is passed', () => {
    const deep = '{'.repeat(1_000_000);
    expect(documentNesting(deep, 10)).toBe(11);
  });
});
