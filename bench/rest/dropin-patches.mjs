// Known mismatches between a database Parse Server 9.10 created and what Plinth expects of it.
// The drop-in check records each as a failure first; then, unless DROPIN_WORKAROUNDS=0, it patches
// the database (never Plinth) so that the rest of the check can run, and says so in a note.
import { readFileSync } from 'node:fs';
import { runSql } from './targets.mjs';

export const PATCHES = [
  {
    name: '"_Hooks" as Parse creates it has only functionName, className, triggerName, url; Plinth reads "createdAt" and "objectId"',
    // Quotes appear escaped (\\") in the JSON log lines.
    match: /column \\?"(createdAt|objectId|updatedAt|_rperm|_wperm)\\?" (of relation \\?"_Hooks\\?" )?does not exist/,
    sql: `ALTER TABLE "_Hooks" ADD COLUMN IF NOT EXISTS "objectId" text, ADD COLUMN IF NOT EXISTS "createdAt" timestamptz,
      ADD COLUMN IF NOT EXISTS "updatedAt" timestamptz, ADD COLUMN IF NOT EXISTS "_rperm" text[], ADD COLUMN IF NOT EXISTS "_wperm" text[]`,
  },
  {
    name: '"_Session" as Parse creates it has no "restricted" column; Plinth inserts one at every login and sign-up',
    match: /column \\?"restricted\\?" (of relation \\?"_Session\\?" )?does not exist/,
    sql: 'ALTER TABLE "_Session" ADD COLUMN IF NOT EXISTS "restricted" boolean',
  },
];

/**
 * Applies every patch whose error appears in the server log and was not applied yet; returns the
 * names applied (none when DROPIN_WORKAROUNDS=0).
 */
export async function patchFromLog(databaseUrl, logFile, applied) {
  if (process.env.DROPIN_WORKAROUNDS === '0') return [];
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  const names = [];
  for (const p of PATCHES) {
    if (applied.has(p.name) || !p.match.test(text)) continue;
    await runSql(databaseUrl, p.sql);
    applied.add(p.name);
    names.push(p.name);
  }
  return names;
}
