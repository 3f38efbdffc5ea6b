/*
 * A Plinth process for files-upload.test.ts: embedded PGlite in memory, files in a local
 * directory (UPLOAD_ROOT) through the local storage adapter, the rest of the configuration
 * from the environment. Prints {"url": …} once it listens; SIGTERM stops it.
 */
import { loadConfig } from '../../src/config/index.ts';
import { openDatabase } from '../../src/db/index.ts';
import { LocalFileStorage } from '../../src/files/storage/index.ts';
import { createPlinth } from '../../src/server/app.ts';
import { listen } from '../../src/server/http.ts';

const root = process.env.UPLOAD_ROOT;
if (!root) throw new Error('UPLOAD_ROOT is required');
const config = loadConfig(process.env);
const plinth = await createPlinth(config, { db: await openDatabase({}), fileStorage: new LocalFileStorage({ root }) });
const running = await listen(plinth, 0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.once('SIGTERM', () => {
  running.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
