import { expect } from 'vitest';
import type { GoldenFixture } from './fixture.ts';
import { formatCase } from './format.ts';
import { Normaliser } from './normalise.ts';
import { queriesOf, record, type Operation, type Recording } from './record.ts';

/** A golden case: an operation, what it shows, and the number of statements it must take. */
export interface GoldenCase extends Operation {
  /** File name of the snapshot, under __snapshots__/ (without `.md`). */
  name: string;
  title: string;
  /** What the recording shows, in a sentence or two (the snapshot's first paragraph). */
  about: string;
  /** The number of SQL statements (transaction markers excluded), asserted apart from the snapshot. */
  statements: number;
}

/**
 * Records a case and compares it with its snapshot file (`npx vitest run test/golden -u` writes
 * them). The statement count is asserted on its own so that updating snapshots cannot quietly
 * accept an extra query. Both database projects compare with the same file.
 */
export async function checkGolden(f: GoldenFixture, c: GoldenCase): Promise<Recording> {
  const rec = await record(f.s, c);
  expect(rec.response.status, JSON.stringify(rec.response.body)).toBe(200);
  expect(rec.response.errors, JSON.stringify(rec.response.body)).toBeUndefined();
  const normaliser = new Normaliser(f.labels, await f.storedIds());
  const text = formatCase(c.title, c.about, c, rec, normaliser);
  await expect(text).toMatchFileSnapshot(`__snapshots__/${c.name}.md`);
  expect(queriesOf(rec.statements).length, text).toBe(c.statements);
  return rec;
}
