/**
 * Browser tests: Debian's chromium (driven by playwright-core) on two small apps bundled from the
 * package's published entry points, the legacy one (`EntityBallastCard` on its EntityPage) and a
 * new-frontend-system one (`createApp` with `/alpha`), against a Backstage test backend with our
 * backend plugin and a real Ballast server holding the demo day. What is mocked is said in stack.ts
 * (sign-in only). Screenshots go to backstage/test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumOptions } from '../../../../scripts/chromium.mjs';
import { buildApp, type AppName } from './buildApps.js';
import { RUNBOOK_APP, startStack, type Stack } from './stack.js';

const results = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const CHECKOUT = '/catalog/default/component/checkout';
const WAIT = { timeout: 30_000 };
vi.setConfig({ testTimeout: 180_000 });

let stack: Stack;
let context: BrowserContext;
let profile: string;
let builds: string;
const apps = {} as Record<AppName, { url: string; close(): Promise<void> }>;
const pageErrors: string[] = [];

async function open(app: AppName, path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${app} ${path}: ${e.message}`));
  await page.goto(apps[app].url + path);
  if (app === 'new') {
    // Without an auth backend the guest sign-in asks to fall back to the local guest identity: yes.
    page.on('dialog', (dialog) => void dialog.accept());
    // The new system's default sign-in page: enter as the guest (the backend's mock auth takes the
    // token-less requests as Jane, see stack.ts).
    const enter = page.getByRole('button', { name: 'Enter' });
    await enter
      .or(page.getByTestId('ballast-card'))
      .or(page.getByTestId('ballast-timeline'))
      .or(page.getByTestId('ballast-runbook-page'))
      .or(page.getByTestId('ballast-runbook-error'))
      .first()
      .waitFor(WAIT);
    if (await enter.isVisible()) await enter.click();
  }
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(results, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(results, { recursive: true });
  builds = mkdtempSync(join(tmpdir(), 'ballast-backstage-apps-'));
  const [legacyDir, newDir] = await Promise.all([buildApp('legacy', builds), buildApp('new', builds)]);
  stack = await startStack();
  apps.legacy = await stack.serveApp(legacyDir);
  apps.new = await stack.serveApp(newDir);
  profile = mkdtempSync(join(tmpdir(), 'ballast-chromium-'));
  context = await chromium.launchPersistentContext(
    profile,
    chromiumOptions({ viewport: { width: 1400, height: 1000 } }),
  );
}, 300_000);

afterAll(async () => {
  await context?.close();
  await apps.legacy?.close();
  await apps.new?.close();
  await stack?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (builds) rmSync(builds, { recursive: true, force: true });
});

describe('legacy app (EntityBallastCard, EntityBallastContent)', () => {
  it("shows checkout's owner, on-call, SLO, runbook and last changes on its page", async () => {
    const page = await open('legacy', CHECKOUT);
    const card = page.getByTestId('ballast-card');
    await card.getByTestId('ballast-overview').waitFor(WAIT);
    await card.getByTestId('ballast-owner').getByText('#payments on chat').waitFor(WAIT);
    expect(await card.getByTestId('ballast-owner').innerText()).toContain('Payments team');
    expect(
      await card.getByTestId('ballast-oncall').getByRole('link', { name: 'Priya Nair' }).getAttribute('href'),
    ).toBe('mailto:priya@example.com');
    const slo = card.getByTestId('ballast-slo');
    expect(await slo.innerText()).toContain('availability');
    expect(await slo.getByTestId('ballast-burn').getAttribute('data-level')).toMatch(/^(burning|firing)$/);
    expect(await card.getByTestId('ballast-runbook').innerText()).toMatch(/Checkout errors[\s\S]*stale/);
    const changes = await card.getByTestId('ballast-change').allInnerTexts();
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => /^(deploy|flag|incident)/.test(c))).toBe(true);
    await shot(page, 'legacy-card');
    await page.close();
  });

  it('enters stabilize with a reason and TTL as the signed-in user, then exits', async () => {
    const page = await open('legacy', CHECKOUT);
    const section = page.getByTestId('ballast-stabilize');
    await section.getByText('Running normally.').waitFor(WAIT);
    await section.getByLabel('Reason').fill('budget burning after the deploy');
    await section.getByLabel('TTL (minutes)').fill('45');
    await section.getByRole('button', { name: 'Enter stabilize' }).click();
    await section.getByTestId('ballast-countdown').waitFor(WAIT);
    expect(await section.getByTestId('ballast-countdown').innerText()).toMatch(/^Ends in (44|45):\d\d/);
    const scope = await stack.ballast.admin.call('stabilizeScope', {
      params: { service: 'checkout', environment: 'production' },
    });
    expect(scope.stabilize).toMatchObject({
      state: 'active',
      ttlMinutes: 45,
      reason: 'budget burning after the deploy',
      requestedBy: { id: 'jane@example.com', verified: true },
    });
    await shot(page, 'legacy-card-stabilizing');

    await section.getByLabel('Reason').fill('recovered');
    await section.getByRole('button', { name: 'Exit stabilize' }).click();
    await section.getByText('Running normally.').waitFor(WAIT);
    const after = await stack.ballast.admin.call('stabilizeScope', {
      params: { service: 'checkout', environment: 'production' },
    });
    expect(after.stabilize?.state ?? 'ended').not.toBe('active');
    await page.close();
  });

  it("approves, as a second person, a stabilize someone else asked for where Ballast's policy wants approval", async () => {
    const waiting = await stack.ballast.admin.call('requestStabilize', {
      body: { service: 'checkout', environment: 'staging', reason: 'staging error budget burning', ttlMinutes: 30 },
    });
    expect(waiting.state).toBe('requested');
    const page = await open('legacy', '/catalog/default/component/checkout-staging');
    const section = page.getByTestId('ballast-stabilize');
    await section.getByText(/waiting for a second person to approve/).waitFor(WAIT);
    await section.getByLabel('Reason').fill('checked the burn on the SLO panel');
    await section.getByRole('button', { name: 'Approve' }).click();
    await section.getByTestId('ballast-countdown').waitFor(WAIT);
    const scope = await stack.ballast.admin.call('stabilizeScope', {
      params: { service: 'checkout', environment: 'staging' },
    });
    expect(scope.stabilize).toMatchObject({
      id: waiting.id,
      state: 'active',
      approvedBy: { id: 'jane@example.com', verified: true },
    });
    await shot(page, 'legacy-card-approved');
    await stack.ballast.admin.call('exitStabilize', {
      params: { service: 'checkout', environment: 'staging' },
      body: { reason: 'test done' },
    });
    await page.close();
  });

  it("opens a runbook at its link's path, as Ballast rendered it", async () => {
    const page = await open('legacy', CHECKOUT);
    const link = page.getByTestId('ballast-card').getByTestId('ballast-runbook').getByRole('link');
    await link.waitFor(WAIT);
    const href = new URL((await link.getAttribute('href'))!);
    expect(href.origin).toBe(RUNBOOK_APP);
    expect(href.pathname).toBe('/ballast/runbooks/checkout-errors');
    await page.goto(apps.legacy.url + href.pathname);
    const body = page.getByTestId('ballast-runbook-body');
    await body.waitFor(WAIT);
    expect(await body.locator('h2').allInnerTexts()).toEqual(['Meaning', 'Impact', 'Diagnosis', 'Mitigation']);
    expect(await page.getByTestId('ballast-runbook-review').innerText()).toMatch(/^Review overdue since 2025-/);
    await shot(page, 'legacy-runbook');
    await page.close();
  });

  it('says a service Ballast has never heard of is not in Ballast yet', async () => {
    const page = await open('legacy', '/catalog/default/component/ledger');
    await page.getByTestId('ballast-not-in-ballast').waitFor(WAIT);
    expect(await page.getByTestId('ballast-not-in-ballast').innerText()).toContain('ledger is not in Ballast yet.');
    await shot(page, 'legacy-card-not-in-ballast');
    await page.close();
  });

  it('the tab searches, narrows by facet, shows what changed before an incident and follows new events', async () => {
    const page = await open('legacy', `${CHECKOUT}/ballast`);
    const rows = page.getByTestId('ballast-event-row');
    await rows.first().waitFor(WAIT);

    // The counts are Ballast's, over the last 30 days (here, the whole demo day).
    const now = Date.now();
    const counted = await stack.ballast.admin.call('eventFacets', {
      query: {
        service: ['checkout'],
        facet: ['kind'],
        from: new Date(now - 30 * 86_400_000).toISOString(),
        to: new Date(now).toISOString(),
      },
    });
    const deploys = counted.facets.kind!.find((v) => v.value === 'deploy')!.count;
    await page
      .getByTestId('ballast-facets')
      .getByRole('button', { name: `deploy (${deploys})` })
      .waitFor(WAIT);
    expect(await page.getByTestId('ballast-facets-caption').textContent()).toBe('Counts over the last 30 days');

    await page
      .getByTestId('ballast-facets')
      .getByRole('button', { name: /^deploy \(\d+\)$/ })
      .click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="ballast-event-row"]')].every(
        (r) => r.getAttribute('data-kind') === 'deploy',
      ),
    );
    expect(await rows.count()).toBeGreaterThan(0);
    await page
      .getByTestId('ballast-facets')
      .getByRole('button', { name: /^deploy \(\d+\)$/ })
      .click();

    const id = await rows
      .filter({ has: page.getByRole('button', { name: 'Changes before this' }) })
      .first()
      .getAttribute('data-event-id');
    const incident = page.locator(`[data-event-id="${id}"]`);
    await incident.getByRole('button', { name: 'Changes before this' }).click();
    await incident.getByTestId('ballast-context').waitFor(WAIT);
    expect(await incident.getByTestId('ballast-context-change').count()).toBeGreaterThan(0);
    await shot(page, 'legacy-tab-context');
    // The demo's 13:05 deploy: "New address form behind checkout-new-address-form".
    const all = await rows.count();
    await page.getByLabel('Search events').fill('address form');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction((before) => {
      const r = [...document.querySelectorAll('[data-testid="ballast-event-row"]')];
      return r.length < before && r.some((x) => /Deploy checkout 5\.2\.0/.test(x.textContent ?? ''));
    }, all);
    await page.getByLabel('Search events').fill('');
    await page.getByRole('button', { name: 'Search' }).click();

    await page.getByLabel('Live tail').check();
    await page.getByTestId('ballast-tail-state').getByText('following new events').waitFor(WAIT);
    await stack.ballast.admin.call('ingestEvents', {
      body: {
        occurredAt: new Date().toISOString(),
        kind: 'deploy',
        service: 'checkout',
        environment: 'production',
        title: 'Deploy checkout 9.9.9 (live)',
      },
    });
    await rows.filter({ hasText: 'Deploy checkout 9.9.9 (live)' }).waitFor(WAIT);
    expect(await rows.first().innerText()).toContain('Deploy checkout 9.9.9 (live)');
    // The counts follow: Ballast is asked again as events arrive.
    await page
      .getByTestId('ballast-facets')
      .getByRole('button', { name: `deploy (${deploys + 1})` })
      .waitFor(WAIT);
    expect(await page.getByTestId('ballast-facets-caption').textContent()).toBe(
      'Counts over the last 30 days, counted again as events arrive',
    );
    await shot(page, 'legacy-tab-live');
    await page.close();
  });
});

describe('new frontend system app (createApp with /alpha)', () => {
  it("shows the card on checkout's overview", async () => {
    const page = await open('new', CHECKOUT);
    const card = page.getByTestId('ballast-card');
    await card.getByTestId('ballast-overview').waitFor(WAIT);
    expect(await card.getByTestId('ballast-oncall').innerText()).toContain('Priya Nair');
    expect(await card.getByTestId('ballast-slo').innerText()).toContain('availability');
    await shot(page, 'new-card');
    await page.close();
  });

  it('serves the runbook page, and says when a runbook is not there', async () => {
    const page = await open('new', '/ballast/runbooks/checkout-errors');
    const body = page.getByTestId('ballast-runbook-body');
    await body.waitFor(WAIT);
    expect(await body.locator('h2').first().innerText()).toBe('Meaning');
    await shot(page, 'new-runbook');
    await page.close();
    const missing = await open('new', '/ballast/runbooks/no-such-runbook');
    const error = missing.getByTestId('ballast-runbook-error');
    await error.waitFor(WAIT);
    expect(await error.innerText()).toBe(
      'Ballast has no runbook "no-such-runbook". It may have been renamed or removed.',
    );
    await missing.close();
  });

  it('has the Reliability tab with the timeline', async () => {
    const page = await open('new', `${CHECKOUT}/ballast`);
    await page.getByTestId('ballast-event-row').first().waitFor(WAIT);
    expect(await page.getByTestId('ballast-event-row').count()).toBeGreaterThan(0);
    await page
      .getByTestId('ballast-facets')
      .getByRole('button', { name: /^incident \(\d+\)$/ })
      .waitFor(WAIT);
    await shot(page, 'new-tab');
    await page.close();
  });

  it('raised no page errors in either app', () => {
    expect(pageErrors.join('\n')).toBe('');
  });
});
