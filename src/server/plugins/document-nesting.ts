/**
 * How deeply brackets — `{`, `[`, `(` — nest in a GraphQL document, counted on the raw text
 * before it is parsed (the parser is recursive, so a hostile document nested a few thousand
 * levels deep would exhaust the stack). Brackets inside strings, block strings and comments do
 * not count. Stops scanning as soon as the depth exceeds `limit`, so the cost is bounded by the
 * document's length.
 */
export function documentNesting(source: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < n && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22 /* " */) {
      i = source.startsWith('"""', i) ? skipBlockString(source, i + 3) : skipString(source, i + 1);
      continue;
    } else if (c === 0x7b || c === 0x5b || c === 0x28 /* { [ ( */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d || c === 0x29 /* } ] ) */) {
      if (depth > 0) depth--;
    }
    i++;
  }
  return max;
}

/** Index just past the closing quote of a "…" string that starts at `i` (after its opening quote). */
function skipString(source: string, i: number): number {
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22 || c === 0x0a || c === 0x0d)
      return i + 1; // an unterminated string ends at the line (a syntax error for the parser)
    else i++;
  }
  return i;
}

/** Index just past the closing `"""` of a block string whose content starts at `i`. */
function skipBlockString(source: string, i: number): number {
  while (i < source.length) {
    if (source.startsWith('\\"""', i)) i += 4;
    else if (source.startsWith('"""', i)) return i + 3;
    else i++;
  }
  return i;
}
