// Run by migrator.db.test.ts as a separate process: migrates the database at argv[2] and prints
// the result as JSON, so that several processes can race to migrate one database.
import { openDatabase, migrate } from '../../src/db/index.ts';

const db = await openDatabase({ url: process.argv[2], poolSize: 1 });
try {
  process.stdout.write(JSON.stringify(await migrate(db)));
} finally {
  await db.close();
}
