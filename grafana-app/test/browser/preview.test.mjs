// Browser tests: Debian's chromium, driven by playwright-core, on the preview host, which loads the
// built dist/ modules with SystemJS as Grafana does, in front of a real Ballast server on SQLite.
// Mocked: Grafana itself (the preview host plays its part). Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumOptions } from '../../../scripts/chromium.mjs';
import { startPreview } from '../../preview/server.mjs';
import { api, sampleEvents, startBallast } from '../ballastServer.mjs';

const results = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');
const APP = 'ballast-reliability-app';
let ballast, preview, viewerKeyPreview, context, profile;
const errors = [];

const shot = (page, name) => page.screenshot({ path: join(results, `${name}.png`), fullPage: true });

async function open(path, user = 'admin', host = preview) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  await context.addCookies([{ name: 'preview-user', value: user, url: host.url }]);
  const loaded = [];
  page.on(
    'response',
    (r) =>
      r.url().includes('/public/plugins/') && r.url().endsWith('module.js') && loaded.push(new URL(r.url()).pathname),
  );
  await page.goto(host.url + path);
  return { page, loaded };
}

before(async () => {
  mkdirSync(results, { recursive: true });
  ballast = await startBallast();
  await api(ballast.url, ballast.keys.admin, 'POST', '/v1/events', { events: sampleEvents() });
  preview = await startPreview({
    ballastUrl: ballast.url,
    appKey: ballast.keys.proxy,
    dataSourceKey: ballast.keys.viewer,
    port: 0,
  });
  // The same host with a viewer-role key: the proxy lets an Editor through, the server must refuse.
  viewerKeyPreview = await startPreview({ ballastUrl: ballast.url, appKey: ballast.keys.proxyViewer, port: 0 });
  profile = mkdtempSync(join(tmpdir(), 'ballast-chromium-'));
  context = await chromium.launchPersistentContext(profile, chromiumOptions());
});

after(async () => {
  await context?.close();
  await preview?.close();
  await viewerKeyPreview?.close();
  await ballast?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the built plugin in the preview host', () => {
  it('the timeline page loads from dist/ and lists the events', async () => {
    const { page, loaded } = await open(`/a/${APP}/timeline`);
    await page.getByTestId('event-row').first().waitFor();
    assert.deepEqual(loaded, [`/public/plugins/${APP}/module.js`]);
    assert.equal(await page.getByTestId('event-row').filter({ hasText: 'Deploy checkout 1.4.2' }).count(), 1);
    await shot(page, 'timeline');
    await page.close();
  });

  it('the time range comes from the URL and shows in the time picker', async () => {
    const { page } = await open(`/a/${APP}/timeline?from=now-2h&to=now&service=checkout`);
    await page.getByTestId('event-row').first().waitFor();
    const rows = await page.getByTestId('event-row').allInnerTexts();
    assert.ok(rows.some((r) => r.includes('Deploy checkout 1.4.2')));
    assert.ok(!rows.some((r) => r.includes('Deploy checkout 1.4.1')), '1.4.1 was three hours ago');
    assert.match(await page.locator('body').innerText(), /Last 2 hours/);
    await shot(page, 'timeline-time-range');
    await page.close();
  });

  it('a search narrows the list and lands in the URL', async () => {
    const { page } = await open(`/a/${APP}/timeline`);
    await page.getByTestId('event-row').first().waitFor();
    await page.getByLabel('Search events').fill('rollback');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 1);
    assert.match(await page.getByTestId('event-row').innerText(), /rollback candidate/);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'rollback');
    await shot(page, 'timeline-search');
    await page.close();
  });

  it('the detail drawer shows what changed before and the runbook', async () => {
    const { page } = await open(`/a/${APP}/timeline?service=checkout`);
    await page.getByTestId('event-row').filter({ hasText: 'HighErrorRate' }).click();
    const drawer = page.getByTestId('event-drawer');
    await drawer.getByTestId('context-changes').waitFor();
    assert.match(await drawer.getByTestId('context-changes').innerText(), /Deploy checkout 1\.4\.2/);
    await drawer.getByRole('region', { name: 'Runbook' }).getByText('Meaning').first().waitFor();
    await shot(page, 'timeline-detail');
    await page.close();
  });

  it('a live event arrives through the proxied stream', async () => {
    const { page } = await open(`/a/${APP}/timeline?service=checkout`);
    await page.getByTestId('event-row').first().waitFor();
    await page.getByLabel('Live tail').check({ force: true });
    await page.getByTestId('tail-state').filter({ hasText: 'following new events' }).waitFor();
    await api(ballast.url, ballast.keys.admin, 'POST', '/v1/events', {
      events: [
        {
          occurredAt: new Date().toISOString(),
          kind: 'deploy',
          service: 'checkout',
          environment: 'production',
          title: 'Deploy checkout 1.4.3 (live)',
        },
      ],
    });
    await page.getByTestId('event-row').filter({ hasText: 'Deploy checkout 1.4.3 (live)' }).waitFor();
    assert.match(await page.getByTestId('event-row').first().innerText(), /1\.4\.3 \(live\)/);
    await shot(page, 'timeline-live');
    await page.close();
  });

  it('the config page shows the key as set and never receives it', async () => {
    const { page, loaded } = await open(`/plugins/${APP}`);
    await page.getByTestId('config-page').waitFor();
    assert.deepEqual(loaded, [`/public/plugins/${APP}/module.js`]);
    assert.equal(await page.getByLabel('Ballast URL').inputValue(), ballast.url);
    assert.equal(await page.locator('input[value="configured"]').count(), 1);
    const settings = await page.evaluate(async (id) => (await fetch(`/api/plugins/${id}/settings`)).text(), APP);
    assert.ok(!settings.includes(ballast.keys.proxy));
    assert.ok(!(await page.content()).includes(ballast.keys.proxy));
    await shot(page, 'config');
    await page.close();
  });

  it('the data source draws annotations (the incident as a region) and answers queries and variables', async () => {
    const { page, loaded } = await open('/preview/datasource?service=checkout');
    await page.getByTestId('datasource-page').waitFor();
    assert.deepEqual(loaded, ['/public/plugins/ballast-events-datasource/module.js']);
    assert.ok((await page.getByTestId('annotation-region').count()) >= 1);
    assert.ok((await page.getByTestId('annotation-point').count()) >= 2);
    assert.match(await page.getByTestId('events-table').innerText(), /Checkout error rate above 5%/);
    assert.match(await page.getByTestId('variable-services').innerText(), /checkout, search/);
    await shot(page, 'datasource-annotations');
    await page.close();
  });

  it('the panel loads from dist/ and lists the service', async () => {
    const { page, loaded } = await open('/preview/panel?service=checkout');
    await page.getByTestId('ballast-timeline-panel').getByTestId('event-row').first().waitFor();
    assert.deepEqual(loaded, ['/public/plugins/ballast-timeline-panel/module.js']);
    await shot(page, 'panel');
    await page.close();
  });

  it('acting routes: a Viewer is stopped by the proxy route, a viewer key by the server, an Editor acts as itself', async () => {
    const post = (page) =>
      page.evaluate(async (app) => {
        const res = await fetch(`/api/plugin-proxy/${app}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            occurredAt: new Date().toISOString(),
            kind: 'annotation',
            service: 'checkout',
            title: 'Note from Grafana',
          }),
        });
        return { status: res.status, body: await res.json() };
      }, APP);

    const viewer = await open(`/a/${APP}/timeline`, 'viewer');
    const byRoute = await post(viewer.page);
    assert.equal(byRoute.status, 403);
    assert.match(byRoute.body.message, /needs role Editor/);
    await viewer.page.close();

    // The route lets an Editor through; the key behind it is a viewer key, and the server refuses.
    const limited = await open(`/a/${APP}/timeline`, 'editor', viewerKeyPreview);
    const byServer = await post(limited.page);
    assert.equal(byServer.status, 403);
    assert.equal(byServer.body.code, 'forbidden');
    assert.match(byServer.body.message, /lacks the permission events:write/);
    await limited.page.close();

    const editor = await open(`/a/${APP}/timeline`, 'editor');
    const ok = await post(editor.page);
    assert.equal(ok.status, 201);
    const page = await api(ballast.url, ballast.keys.admin, 'GET', '/v1/events?q=Note%20from%20Grafana');
    assert.deepEqual(page.events[0].actor, {
      type: 'user',
      id: 'editor@example.com',
      name: 'editor@example.com',
      email: 'editor@example.com',
      verified: false,
    });
    await editor.page.close();
  });

  it('no page error anywhere', () => {
    assert.deepEqual(errors, []);
  });
});
