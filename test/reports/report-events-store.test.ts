import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/dialect.ts';
import { appendReportEvent, listReportEvents } from '../../db/report-events.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openSeedDatabase, seedArticles, seedReports } from './seed-reports.ts';

describe('report history rows as stored (db/report-events.ts through preparedWrite)', () => {
  const tempDir = useTempDir();

  it('an event without detail is SQL NULL, one with detail is its JSON text, and both read back as given', async () => {
    const database = await openSeedDatabase(tempDir());
    try {
      const db = database.db;
      const [report] = await seedReports(db, await seedArticles(db, ['a-1']), [{ articleId: 'a-1', url: 'https://copier.example/1' }]);
      const base = { reportId: report.id, at: '2026-03-01T00:00:00.000Z', actor: 'local', kind: 'note', fromStatus: null, toStatus: null, note: 'n' } as const;
      await appendReportEvent(db, { ...base, detail: null });
      await appendReportEvent(db, { ...base, detail: { reasons: ['credit_missing'], consentId: 3 } });
      const raw = await queryRows<{ nullDetail: number; detail: string | null }>(
        db,
        sql`select case when detail is null then 1 else 0 end as "nullDetail", detail from report_events where report_id = ${report.id} and kind = ${'note'} order by id`,
      );
      expect(raw).toEqual([{ nullDetail: 1, detail: null }, { nullDetail: 0, detail: '{"reasons":["credit_missing"],"consentId":3}' }]);
      expect((await listReportEvents(db, report.id, 10)).filter((e) => e.kind === 'note').map((e) => e.detail)).toEqual([null, { reasons: ['credit_missing'], consentId: 3 }]);
    } finally {
      await database.close();
    }
  });
});
