/**
 * A process that saves one capture and is killed mid-save by the test: opens the store, prints
 * "ready", waits for a line on stdin, then saves. With the write lock held elsewhere, the save
 * writes and renames its WARC file, then waits for the lock: a SIGKILL then leaves a real orphan.
 * Usage: save-capture-child.ts <db path> <data dir> <url> (in the pg suite the path stands for its
 * PostgreSQL schema, test/helpers/test-database.ts)
 */
import { createCaptureStore } from '../../src/evidence/index.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { captureInput } from './capture-input.ts';

const [dbPath, dataDir, url] = process.argv.slice(2);
// Long: the test kills this process while it waits.
const database = await openTestDatabase(dbPath, 60_000);
const store = createCaptureStore({ db: database.db, dataDir });
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void store.save(captureInput(url, `crashed save of ${url}`)).then(async ({ id }) => {
    process.stdout.write(`saved ${id}\n`);
    await database.close();
    process.exit(0);
  });
});
