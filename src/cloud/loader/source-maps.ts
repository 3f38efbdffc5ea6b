import { SourceMap, type SourceMapPayload } from 'node:module';

/*
 * The source maps of the cloud files as they were last transpiled. The loader evaluates the
 * transpiled code (stack frames point into it); these maps turn such a position back into the
 * line and column of the user's own source. One map per file, replaced when the file changes.
 */
const maps = new Map<string, SourceMap>();

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/**
 * Called by the loader's transform for each file it transpiles: keeps the file's inline source
 * map and returns the code without it — so that Node, should it apply inline maps itself,
 * never maps a position twice.
 */
export function takeInlineSourceMap(file: string, code: string): string {
  const match = INLINE_MAP.exec(code);
  if (!match) {
    maps.delete(file);
    return code;
  }
  try {
    maps.set(file, new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as SourceMapPayload));
  } catch {
    // An unreadable map only costs exact columns: lines are kept by the transform anyway.
    maps.delete(file);
  }
  return code.slice(0, match.index);
}

/**
 * The position in the user's source of a position (1-based line and column, as in a stack
 * frame) in the transpiled code of `file`; the position itself when the file has no map.
 */
export function originalPosition(file: string, line: number, column: number): { line: number; column: number } {
  const map = maps.get(file);
  if (!map) return { line, column };
  const origin = map.findOrigin(line, column) as { lineNumber?: number; columnNumber?: number };
  if (typeof origin.lineNumber !== 'number' || typeof origin.columnNumber !== 'number') return { line, column };
  return { line: origin.lineNumber, column: origin.columnNumber };
}
