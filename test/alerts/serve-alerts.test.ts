import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/accounts.ts';
import { createAlertTarget, setAlertPreferences } from '../../src/alert-admin.ts';
import { startServeProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { seedArticles, seedReports } from '../reports/seed-reports.ts';
import { startLocalSmtp, startWebhookReceiver, type LocalSmtp, type WebhookReceiver } from './alert-helpers.ts';

// Generous: the bin starts, polls every second; on a loaded 2-core machine that can take a while.
const WAIT_LIMIT_MS = 30_000;
const WAIT_STEP_MS = 50;

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += WAIT_STEP_MS) {
    if (waited > WAIT_LIMIT_MS) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

describe('copyhound serve', () => {
  const tempDir = useTempDir();
  let peers: (LocalSmtp | WebhookReceiver)[] = [];
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    for (const peer of peers) await peer.close();
    peers = [];
  });

  it('runs the alert dispatcher: a report stored while it runs reaches the webhook and the mailbox; it stops on SIGTERM', async () => {
    const dbPath = join(tempDir(), 'copyhound.db');
    const smtp = await startLocalSmtp();
    const receiver = await startWebhookReceiver();
    peers = [smtp, receiver];
    const database = await openTestDatabase(dbPath, 5000);
    try {
      receiver.secret = (await createAlertTarget(database.db, { url: receiver.url }, 'test')).secret;
      const user = await addUser({ db: database.db }, { email: 'desk@example.test', role: 'rights_manager', password: 'Granite-Otter-47-Lantern-Quiver' }, 'local');
      await setAlertPreferences(database.db, user.id, { mode: 'immediately' });
      const started = await startServeProcess(['--db', dbPath], { COPYHOUND_SMTP_URL: smtp.url, COPYHOUND_ALERT_POLL_SECONDS: '1', COPYHOUND_PUBLIC_URL: 'https://hound.example' });
      child = started.child;
      await waitFor(() => started.output().includes('alert dispatcher ready'), 'the dispatcher to start');
      const [report] = await seedReports(database.db, await seedArticles(database.db, ['wire-9']), [{ url: 'https://copier.example/story', articleId: 'wire-9' }]);

      await waitFor(() => receiver.received.length > 0 && smtp.messages.length > 0, 'the webhook and the e-mail');
      expect(receiver.received[0].signatureValid).toBe(true);
      expect(receiver.received[0].json.reports[0]).toMatchObject({ id: report.id, link: `https://hound.example/reports/${report.id}` });
      expect(smtp.messages[0].to).toEqual(['desk@example.test']);

      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(started.output()).toContain('alert dispatcher stopped');
      expect(receiver.received).toHaveLength(1);
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
