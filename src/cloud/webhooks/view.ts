import type { CloudCodeDescription } from '../describe.ts';

const isUrl = (file: string | null) => file !== null && /^https?:\/\//.test(file);

/**
 * The registry view with each hook's location shown as its URL (a hook's "file" is its URL and
 * it has no line): `https://hooks.example/save` rather than `https://hooks.example/save:0`.
 */
export function showHookLocations(description: CloudCodeDescription): CloudCodeDescription {
  for (const cls of description.classes) for (const t of cls.triggers) if (t.line === 0 && isUrl(t.file)) t.location = t.file;
  for (const f of description.functions) if (f.line === 0 && isUrl(f.file)) f.location = f.file;
  return description;
}
