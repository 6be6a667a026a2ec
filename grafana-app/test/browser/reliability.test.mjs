// Browser tests of the SLO, stabilize and runbook pages and panels: Debian's chromium, driven by
// playwright-core, on the preview host (the built dist/ loaded with SystemJS as Grafana does) in front
// of a real Ballast server on SQLite seeded with `ballast demo seed`. Mocked: Grafana itself (the
// preview host plays its part, with users chosen per page). Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumOptions } from '../../../scripts/chromium.mjs';
import { startPreview } from '../../preview/server.mjs';
import { api, seedDemo, startBallast } from '../ballastServer.mjs';

const results = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results');
const APP = 'ballast-reliability-app';
let ballast, preview, viewerKeyPreview, context, profile;
const errors = [];

const shot = (page, name) => page.screenshot({ path: join(results, `${name}.png`), fullPage: true });
const get = (path) => api(ballast.url, ballast.keys.admin, 'GET', path);
const percent = (v, digits = 1) => (v === null ? '—' : `${(v * 100).toFixed(digits)} %`);
const figureValue = (v) => (v === null ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : Number(v.toPrecision(4)).toString());

/** The preview host's signed-in user is a cookie, shared by the pages of the browser context. */
const signIn = (user, host = preview) => context.addCookies([{ name: 'preview-user', value: user, url: host.url }]);

async function open(path, user, host = preview) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  await signIn(user, host);
  await page.goto(host.url + path);
  return page;
}

/** Opens a page and resolves `answer` with the JSON bodies of the first responses whose URLs end with `paths`. */
async function openReading(path, user, ...paths) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  await signIn(user);
  const bodies = paths.map((p) =>
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(p)).then((r) => r.json()),
  );
  await page.goto(preview.url + path);
  return { page, answer: paths.length === 1 ? bodies[0] : Promise.all(bodies) };
}

before(async () => {
  mkdirSync(results, { recursive: true });
  ballast = await startBallast();
  await seedDemo(ballast.url, ballast.keys.admin);
  // The app's key may approve: who approves is then the server's decision (a second person, by email).
  const approverKey = (
    await api(ballast.url, ballast.keys.admin, 'POST', '/v1/keys', {
      name: 'grafana app (approver)',
      role: 'approver',
      kind: 'grafana-proxy',
    })
  ).secret;
  preview = await startPreview({
    ballastUrl: ballast.url,
    appKey: approverKey,
    dataSourceKey: ballast.keys.viewer,
    port: 0,
  });
  // The same host with a viewer-role key: Grafana's route lets an Editor through, the server must refuse.
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

describe('SLOs', () => {
  it('lists every SLO, least budget left first, with the server numbers, and filters by team', async () => {
    // Rolling windows move every minute: compare with the answer the page itself received.
    const { page, answer } = await openReading(`/a/${APP}/slos`, 'viewer', '/api/slos/status');
    const { statuses } = await answer;
    const expected = [...statuses].sort((a, b) => a.budgetRemaining.value - b.budgetRemaining.value);
    await page.getByTestId('slo-row').first().waitFor();
    const rows = page.getByTestId('slo-row');
    assert.deepEqual(
      await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-slo'))),
      expected.map((s) => s.slo.id),
    );
    assert.deepEqual(
      await page.getByTestId('slo-budget').allInnerTexts(),
      expected.map((s) => percent(s.budgetRemaining.value)),
    );
    await shot(page, 'slos');
    await page.getByLabel('Team').selectOption('payments');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="slo-row"]').length === 1);
    assert.equal(await rows.first().getAttribute('data-slo'), 'payments-authorisation');
    assert.equal(new URL(page.url()).searchParams.get('team'), 'payments');
    await page.close();
  });

  it('the detail plots budget and burn rate from the series it read, and shows the working of every tier', async () => {
    const id = 'checkout-availability';
    const { page, answer } = await openReading(
      `/a/${APP}/slos/${id}`,
      'viewer',
      `/slos/${id}/series`,
      `/slos/${id}/status`,
    );
    const [series, status] = await answer;
    await page.getByTestId('slo-detail').waitFor();

    // Two uPlot canvases, each with a legend row per line and its last value.
    await page.locator('[data-testid="slo-plot"] canvas').nth(1).waitFor();
    const last = (values) => [...values].reverse().find((v) => v !== null);
    const legend = await page.locator('[data-testid="slo-plot"]').first().innerText();
    assert.match(legend, /budget remaining/);
    assert.ok(legend.includes(`${(last(series.budgetRemaining) * 100).toFixed(1)}%`), legend);
    // Readable on the dark theme: each series name (a button in Grafana's legend) in the theme's text
    // colour, at a contrast of at least 4.5 (WCAG AA) against the page behind it.
    for (const name of ['budget remaining', 'burn 5m']) {
      const contrast = await page
        .locator('[data-testid="slo-plot"]')
        .getByText(name, { exact: true })
        .evaluate((el) => {
          const rgb = (css) =>
            css
              .match(/[\d.]+/g)
              .slice(0, 3)
              .map(Number);
          const luminance = (css) => {
            const [r, g, b] = rgb(css).map((c) => {
              const s = c / 255;
              return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const fg = luminance(window.getComputedStyle(el).color);
          const bg = luminance(window.getComputedStyle(document.body).backgroundColor);
          return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        });
      assert.ok(contrast >= 4.5, `legend name "${name}": contrast ${contrast.toFixed(2)} against the page`);
    }
    // Every window's line is named in sight, not behind a scroll of the legend.
    for (const window of Object.keys(series.burnRate)) {
      const hidden = await page
        .locator('[data-testid="slo-plot"]')
        .nth(1)
        .getByText(`burn ${window}`, { exact: true })
        .evaluate((el) => {
          const box = el.getBoundingClientRect();
          for (let p = el.parentElement; p; p = p.parentElement) {
            const outer = p.getBoundingClientRect();
            if (box.top < outer.top - 1 || box.bottom > outer.bottom + 1) return true;
            if (p.getAttribute('data-testid') === 'slo-plot') break;
          }
          return false;
        });
      assert.equal(hidden, false, `legend row "burn ${window}" is cut off`);
    }
    const burnLegend = await page.locator('[data-testid="slo-plot"]').nth(1).innerText();
    for (const [window, values] of Object.entries(series.burnRate)) {
      assert.match(burnLegend, new RegExp(`burn ${window}`));
      const v = last(values);
      if (v !== undefined) assert.ok(burnLegend.includes(v.toFixed(2)), `${window}: ${v} in ${burnLegend}`);
    }

    assert.equal(await page.getByTestId('slo-budget-remaining').innerText(), percent(status.budgetRemaining.value, 2));
    assert.equal(
      await page.getByTestId('figure-budget-remaining').innerText(),
      figureValue(status.budgetRemaining.value),
    );
    for (const w of status.windows)
      assert.equal(await page.getByTestId(`burn-${w.window}`).innerText(), figureValue(w.burnRate.value), w.window);
    for (const t of status.tiers) {
      assert.equal(await page.getByTestId(`factor-${t.name}`).innerText(), figureValue(t.factor.value));
      assert.equal(await page.getByTestId(`threshold-${t.name}`).innerText(), figureValue(t.threshold.value));
      const row = page.locator(`tr[data-tier="${t.name}"]`);
      assert.ok((await row.innerText()).includes(t.threshold.formula), t.name);
    }
    // A pushed SLI has no Prometheus series: the server says so instead of rules, and the page shows it.
    const rules = await fetch(`${ballast.url}/v1/slos/${id}/rules`, {
      headers: { authorization: `Bearer ${ballast.keys.admin}` },
    });
    assert.equal(rules.status, 409);
    assert.ok((await page.getByTestId('slo-rules-none').innerText()).startsWith((await rules.json()).message));
    assert.equal(await page.getByTestId('slo-runbook').innerText(), 'Checkout answers with errors');
    assert.equal(await page.getByTestId('slo-runbook').getAttribute('href'), `/a/${APP}/runbooks/checkout-errors`);
    await shot(page, 'slo-detail');
    await page.close();
  });

  it('the burn-rate panel shows the SLO it was given, with the server numbers', async () => {
    const { page, answer } = await openReading(
      '/preview/panel/ballast-burnrate-panel?sloId=payments-authorisation',
      'viewer',
      '/slos/payments-authorisation/status',
    );
    const status = await answer;
    await page.getByTestId('panel-budget-remaining').waitFor();
    assert.equal(await page.getByTestId('panel-budget-remaining').innerText(), percent(status.budgetRemaining.value));
    for (const w of status.windows)
      assert.equal(await page.getByTestId(`panel-burn-${w.window}`).innerText(), `${w.burnRate.value.toFixed(2)}×`);
    await page.locator('[data-testid="slo-plot"] canvas').first().waitFor();
    await shot(page, 'panel-burnrate');
    await page.close();
  });
});

describe('stabilize', () => {
  const scopeState = (page) => page.getByTestId('scope-state').first();

  it('an operator enters through the panel, cannot approve it, a second person approves, the countdown runs, the operator exits', async () => {
    const panel = await open('/preview/panel/ballast-stabilize-panel?service=checkout', 'editor');
    await scopeState(panel).filter({ hasText: 'Running normally' }).waitFor();
    await panel.getByRole('button', { name: 'Enter stabilize…' }).click();
    const diff = panel.getByTestId('profile-diff');
    await diff.waitFor();
    const preview = await get('/v1/stabilize/checkout/production/preview');
    assert.equal(await diff.locator('tbody tr').count(), preview.changes.length);
    assert.ok((await diff.innerText()).includes(preview.changes[0].stabilized));
    await panel.getByLabel('Reason').fill('5xx after the address form rollout');
    await panel.getByLabel('TTL (minutes)').fill('30');
    await panel.getByLabel('Incident').fill('INC-2041');
    await shot(panel, 'panel-stabilize-enter');
    await panel.getByRole('button', { name: 'Stabilize checkout in production' }).click();
    await scopeState(panel).filter({ hasText: 'Waiting for approval' }).waitFor();

    // The requester's own approval is offered (the UI does not know who may) and refused by the server.
    await panel.getByRole('button', { name: 'Approve…' }).click();
    await panel.getByRole('button', { name: 'Confirm approve' }).click();
    const refusal = panel.getByTestId('scope-refusal');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /You cannot approve your own request/);
    await shot(panel, 'panel-stabilize-self-approval');
    const { stabilizes } = await get('/v1/stabilize?service=checkout');
    assert.equal(stabilizes.length, 1);
    assert.equal(stabilizes[0].state, 'requested');
    assert.equal(stabilizes[0].requestedBy.id, 'editor@example.com');

    const approver = await open(`/a/${APP}/stabilize?service=checkout&environment=production`, 'sre');
    const card = approver.getByTestId('scope-card').first();
    await card.getByTestId('scope-state').filter({ hasText: 'Waiting for approval' }).waitFor();
    await card.getByRole('button', { name: 'Approve…' }).click();
    await card.getByLabel('Comment').fill('agreed on the bridge');
    await card.getByRole('button', { name: 'Confirm approve' }).click();
    await card
      .getByTestId('scope-state')
      .filter({ hasText: /^Stabilized$/ })
      .waitFor();
    assert.match(await card.getByTestId('scope-countdown').innerText(), /^ends in (29|30) min \d\d s$/);
    const active = await get(`/v1/stabilize/requests/${stabilizes[0].id}`);
    assert.equal(active.state, 'active');
    assert.equal(active.approvedBy.id, 'sre@example.com');
    await approver.getByTestId('scope-history').filter({ hasText: 'active' }).waitFor();
    await shot(approver, 'stabilize-page-active');
    await approver.close();

    await signIn('editor');
    await panel.reload();
    await scopeState(panel)
      .filter({ hasText: /^Stabilized$/ })
      .waitFor();
    const countdown = await panel.getByTestId('scope-countdown').innerText();
    assert.match(countdown, /^ends in \d+ min \d\d s$/);
    await shot(panel, 'panel-stabilize-active');

    await panel.getByRole('button', { name: 'Exit…' }).click();
    await panel.getByLabel('Reason').fill('error rate back to normal');
    await panel.getByRole('button', { name: 'Confirm exit' }).click();
    await scopeState(panel).filter({ hasText: 'Running normally' }).waitFor();
    const ended = await get(`/v1/stabilize/requests/${stabilizes[0].id}`);
    assert.equal(ended.state, 'ended');
    assert.equal(ended.endedBy.id, 'editor@example.com');
    await panel.close();
  });

  it('a Viewer gets no buttons and is refused on the same proxy path; an Editor behind a viewer key is refused by the server', async () => {
    const viewer = await open('/preview/panel/ballast-stabilize-panel?service=payments', 'viewer');
    await scopeState(viewer).filter({ hasText: 'Running normally' }).waitFor();
    assert.equal(await viewer.getByRole('button', { name: 'Enter stabilize…' }).count(), 0);
    assert.match(await viewer.getByTestId('ballast-stabilize-panel').innerText(), /acting needs Editor/);
    const forced = await viewer.evaluate(async (app) => {
      const res = await fetch(`/api/plugin-proxy/${app}/api/stabilize/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'payments', environment: 'production', reason: 'viewer tries' }),
      });
      return { status: res.status, body: await res.json() };
    }, APP);
    assert.equal(forced.status, 403);
    assert.match(forced.body.message, /needs role Editor/);
    await viewer.close();

    // The UI offers entering (the user is an Editor); the key behind the route is a viewer key.
    const limited = await open('/preview/panel/ballast-stabilize-panel?service=payments', 'editor', viewerKeyPreview);
    await limited.getByRole('button', { name: 'Enter stabilize…' }).click();
    await limited.getByLabel('Reason').fill('PSP timeouts');
    await limited.getByRole('button', { name: 'Stabilize payments in production' }).click();
    const refusal = limited
      .getByTestId('ballast-stabilize-panel')
      .getByRole('alert')
      .filter({ hasText: 'not permitted' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /stabilize:request/);
    await shot(limited, 'panel-stabilize-refused-by-server');
    assert.deepEqual((await get('/v1/stabilize?service=payments')).stabilizes, []);
    await limited.close();
  });
});

describe('runbooks', () => {
  it('searches, filters by service, shows staleness and renders the server html', async () => {
    const page = await open(`/a/${APP}/runbooks`, 'viewer');
    await page.getByTestId('runbook-row').first().waitFor();
    const { runbooks } = await get('/v1/runbooks');
    assert.equal(await page.getByTestId('runbook-row').count(), runbooks.length);
    await page.getByLabel('Search runbooks').fill('psp');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runbook-row"]').length === 1);
    const row = page.getByTestId('runbook-row').first();
    assert.match(await row.innerText(), /Payments: the PSP is slow or failing/);
    assert.match(await row.innerText(), /review overdue/);
    await row.getByRole('link').click();
    const view = page.getByTestId('runbook-view');
    await view.getByRole('heading', { name: 'Mitigation' }).waitFor();
    const served = await get('/v1/runbooks/payments-psp-degraded');
    assert.equal(
      await view
        .locator('div')
        .last()
        .evaluate((el) => el.innerHTML),
      served.html,
    );
    assert.match(await view.innerText(), /Review overdue/);
    assert.equal(new URL(page.url()).pathname, `/a/${APP}/runbooks/payments-psp-degraded`);
    await shot(page, 'runbooks');

    await page.getByLabel('Search runbooks').fill('');
    await page.getByLabel('Service').fill('checkout');
    await page.getByRole('button', { name: 'Search' }).click();
    // The list empties while the new search runs: wait for rows, none of them the PSP's.
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll('[data-testid="runbook-row"]')];
      return shown.length > 0 && shown.every((r) => !r.textContent.includes('PSP'));
    });
    const rows = await page.getByTestId('runbook-row').allInnerTexts();
    assert.ok(rows[0].includes('Checkout answers with errors'), rows.join('\n'));
    await page.close();
  });

  it('an alert on the timeline links to its runbook on the Runbooks page', async () => {
    const page = await open(`/a/${APP}/timeline?service=checkout&from=now-24h&to=now&kind=alert`, 'viewer');
    await page.getByTestId('event-row').filter({ hasText: 'CheckoutHighErrorRate firing' }).first().click();
    const link = page.getByTestId('event-drawer').getByRole('link', { name: 'Open in Runbooks' });
    await link.waitFor();
    await link.click();
    await page.getByTestId('runbook-view').waitFor();
    assert.match(await page.getByTestId('runbook-view').innerText(), /Checkout answers with errors/);
    await shot(page, 'timeline-alert-runbook');
    await page.close();
  });

  it('no page error anywhere', () => {
    assert.deepEqual(errors, []);
  });
});
