// @vitest-environment happy-dom
/**
 * The runbook page through both published entry points: the legacy `BallastRunbookPage` mounted at
 * `/ballast/runbooks` in @backstage/test-utils' app, and the `/alpha` page extension in
 * @backstage/frontend-test-utils' app. The Ballast API answers from fixtures parsed with the contract's
 * schemas; the real path (backend plugin, Ballast) is covered by the browser tests.
 */
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { configure, screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { BallastRunbookPage } from '../../plugin';
import { ballastRunbookPage } from '../../alpha';
import { ballastApiRef, type BallastApi } from '../../api/BallastApi';
import { fakeBallast, readDenied } from '../../testing/fixtures';

type Render = (api: BallastApi, path: string) => Promise<unknown>;

const systems: Array<[string, Render]> = [
  [
    'legacy BallastRunbookPage',
    (api, path) =>
      renderInTestApp(
        <TestApiProvider apis={[[ballastApiRef, api]]}>
          <Routes>
            <Route path="/ballast/runbooks/*" element={<BallastRunbookPage />} />
          </Routes>
        </TestApiProvider>,
        { routeEntries: [path] },
      ),
  ],
  [
    'new frontend system page (/alpha)',
    async (api, path) =>
      renderTestApp({ extensions: [ballastRunbookPage], apis: [[ballastApiRef, api]], initialRouteEntries: [path] }),
  ],
];

configure({ asyncUtilTimeout: 15_000 });

describe.each(systems)('%s', (_name, render) => {
  it('shows the runbook Ballast rendered, its services and that its review is overdue', async () => {
    await render(fakeBallast(), '/ballast/runbooks/checkout-errors');
    const page = await screen.findByTestId('ballast-runbook-page');
    expect(screen.getAllByText('Checkout errors').length).toBeGreaterThan(0);
    const body = screen.getByTestId('ballast-runbook-body');
    expect(body.querySelector('h2')?.textContent).toBe('Meaning');
    expect(body.querySelector('strong')?.textContent).toBe('5xx');
    expect(screen.getByTestId('ballast-runbook-review').textContent).toBe('Review overdue since 2025-01-01');
    expect(page.textContent).toContain('checkout');
  });

  it('says when Ballast has no such runbook', async () => {
    await render(fakeBallast(), '/ballast/runbooks/gone');
    expect((await screen.findByTestId('ballast-runbook-error')).textContent).toBe(
      'Ballast has no runbook "gone". It may have been renamed or removed.',
    );
  });

  it('says when the permission policy refuses reading Ballast', async () => {
    const denied = readDenied();
    await render(fakeBallast({ getRunbook: () => Promise.reject(denied) }), '/ballast/runbooks/checkout-errors');
    expect((await screen.findByTestId('ballast-runbook-error')).textContent).toBe(
      'You may not read Ballast here: you may not ballast.events.read (Backstage permission policy).',
    );
  });
});
