import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRendersOfCapture } from '../../db/capture-renders.ts';
import { PASSWORD, startReportWorld, type ReportWorld } from './report-page-fixture.ts';
import { signInAs } from './web-client.ts';

/**
 * "Render now" on the report page: the stored capture is rendered offline by Debian's chromium
 * (as an evidence export renders it), stored, and then shown on the page.
 */
let world: ReportWorld;

beforeAll(async () => {
  world = await startReportWorld('copyhound-web-render-');
});

afterAll(async () => {
  await world?.stop();
});

describe('rendering a capture from the report page', () => {
  it('renders the capture offline, stores it, and the page then shows the screenshot', async () => {
    const client = await signInAs(world.url, 'legal@publisher.example', PASSWORD);
    const before = await client.get(`/reports/${world.reports.pirate}`);
    const action = /action="(\/captures\/(\d+)\/render)"/.exec(before.text);
    expect(action, 'the page offers to render its newest capture').not.toBeNull();
    const captureId = Number(action![2]);
    const answer = await client.post(action![1], { back: `/reports/${world.reports.pirate}` });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/reports/${world.reports.pirate}`);
    const renders = await listRendersOfCapture(world.server.app.database.db, captureId);
    expect(renders.map((r) => r.format).sort()).toEqual(['pdf', 'png']);
    const after = await client.get(answer.location!);
    expect(after.text).toContain(`rendered offline`);
    expect(after.text).toContain(`<img class="screenshot" src="/captures/${captureId}/screenshot"`);
    const png = await fetch(`${world.url}/captures/${captureId}/screenshot`, { headers: { cookie: client.cookie() } });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('answers 404 for a capture that does not exist', async () => {
    const client = await signInAs(world.url, 'rights_manager@publisher.example', PASSWORD);
    await client.get(`/reports/${world.reports.breach}`);
    expect((await client.post('/captures/999999/render', {})).status).toBe(404);
  });
});
