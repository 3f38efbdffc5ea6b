import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { SourceLocation } from './types.ts';
import { originalPosition } from './loader/source-maps.ts';

const CLOUD_DIR = path.dirname(fileURLToPath(import.meta.url));

/** One stack frame's location: "at fn (file:line:col)" or "at file:line:col". */
const FRAME = /^\s*at\s.*?\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?$/;

/** A stack frame that names a file (`file` absolute; lines and columns count from 1). */
export interface StackFrame {
  file: string;
  line: number;
  column: number;
}

/** The frames of a stack trace that name a file on disk, innermost first (file:// URLs made paths). */
export function stackFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split('\n')) {
    const m = FRAME.exec(text);
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    // "node:internal/…", "<anonymous>", eval sites: no file a user can open.
    if (!path.isAbsolute(file)) continue;
    frames.push({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  return frames;
}

function isInside(file: string, dir: string): boolean {
  return file.startsWith(dir + path.sep);
}

function inNodeModules(file: string): boolean {
  return file.includes(`${path.sep}node_modules${path.sep}`);
}

/**
 * The location in the cloud file of the registration being made (RegistryBuilder calls it for
 * each one): the innermost stack frame outside Plinth's own cloud/ folder and installed
 * packages, mapped back to the line and column of the user's source when the
 * loader transpiled it (TypeScript).
 */
export function callerLocation(): SourceLocation {
  // A cloud file may lower the limit; the frames needed here must not be cut off.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = typeof limit === 'number' && limit > 50 ? limit : 50;
  let stack: string | undefined;
  try {
    stack = new Error().stack;
  } finally {
    Error.stackTraceLimit = limit;
  }
  const frames = stackFrames(stack ?? '');
  // Plinth's cloud/ folder as this process's stack traces name it: where this module runs
  // from (dist/cloud when built), or — with source maps on (`node --enable-source-maps`, tsx,
  // vitest) — the src/cloud its maps point to. The first frame is this function itself.
  const ownDir = frames[0] ? path.dirname(frames[0].file) : CLOUD_DIR;
  const candidates = frames.filter((f) => !isInside(f.file, CLOUD_DIR) && !isInside(f.file, ownDir));
  // A helper package that registers for the user is less useful to name than the user's call.
  const frame = candidates.find((f) => !inNodeModules(f.file)) ?? candidates[0];
  if (!frame) return { file: 'unknown', line: 0, column: 0 };
  return { file: frame.file, ...originalPosition(frame.file, frame.line, frame.column) };
}
