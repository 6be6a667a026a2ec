// @vitest-environment happy-dom
/**
 * The entity tab's facets through both published entry points: the legacy `EntityBallastContent` in
 * @backstage/test-utils' app, and the `/alpha` entity content in @backstage/frontend-test-utils' app.
 * The Ballast API answers from fixtures parsed with the contract's schemas; the real path (backend
 * plugin, Ballast) is covered by the browser tests.
 */
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { act, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import type { Event, FacetQueryInput } from '@ballast/contract';
import { EntityBallastContent } from '../../plugin';
import { ballastEntityContent } from '../../alpha';
import { ballastApiRef, type BallastApi } from '../../api/BallastApi';
import { checkoutEntity, event, facetCounts, fakeBallast, refused } from '../../testing/fixtures';

type Render = (api: BallastApi) => Promise<unknown>;

const systems: Array<[string, Render]> = [
  [
    'legacy EntityBallastContent',
    (api) =>
      renderInTestApp(
        <TestApiProvider apis={[[ballastApiRef, api]]}>
          <EntityProvider entity={checkoutEntity}>
            <Routes>
              <Route path="/ballast/*" element={<EntityBallastContent />} />
            </Routes>
          </EntityProvider>
        </TestApiProvider>,
        { routeEntries: ['/ballast'] },
      ),
  ],
  [
    'new frontend system entity content (/alpha)',
    async (api) =>
      renderTestApp({
        extensions: [createTestEntityPage({ entity: checkoutEntity }), ballastEntityContent],
        apis: [[ballastApiRef, api]],
      }),
  ],
];

configure({ asyncUtilTimeout: 15_000 });

describe.each(systems)('%s', (_name, render) => {
  it("shows Ballast's counts over the last 30 days, not the events loaded, and asks again with a filter", async () => {
    const asked: FacetQueryInput[] = [];
    await render(
      fakeBallast({
        eventFacets: async (q) => {
          asked.push(q);
          return facetCounts;
        },
      }),
    );
    const facets = await screen.findByTestId('ballast-facets');
    // Three events are on screen, one of them a deploy; Ballast counted 42 deploys.
    await within(facets).findByRole('button', { name: 'deploy (42)' });
    expect(screen.getAllByTestId('ballast-event-row')).toHaveLength(3);
    expect(within(facets).getByRole('button', { name: 'github (42)' })).toBeTruthy();
    expect(screen.getByTestId('ballast-facets-caption').textContent).toBe('Counts over the last 30 days');
    expect(asked[0]).toMatchObject({ service: ['checkout'], facet: ['kind', 'source', 'environment', 'severity'] });
    expect(Date.parse(asked[0]!.to as string) - Date.parse(asked[0]!.from as string)).toBe(30 * 86_400_000);

    fireEvent.click(within(facets).getByRole('button', { name: 'deploy (42)' }));
    await waitFor(() => expect(asked.at(-1)).toMatchObject({ kind: ['deploy'] }));
  });

  it('counts again when events arrive on the live tail', async () => {
    const asked: FacetQueryInput[] = [];
    let deliver: ((e: Event) => void) | undefined;
    const recounted = { ...facetCounts, facets: { ...facetCounts.facets, kind: [{ value: 'deploy', count: 43 }] } };
    await render(
      fakeBallast({
        eventFacets: async (q) => {
          asked.push(q);
          return deliver ? recounted : facetCounts;
        },
        tail: (_q, onEvent, { signal, onOpen }) => {
          deliver = onEvent;
          onOpen?.();
          return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined)));
        },
      }),
    );
    const facets = await screen.findByTestId('ballast-facets');
    await within(facets).findByRole('button', { name: 'deploy (42)' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Live tail' }));
    await waitFor(() => expect(deliver).toBeDefined());
    const before = asked.length;
    act(() => deliver!(event({ kind: 'deploy', title: 'Deploy checkout 1.4.3', seq: 9 })));
    await within(facets).findByRole('button', { name: 'deploy (43)' });
    expect(asked.length).toBe(before + 1);
    expect(screen.getByTestId('ballast-facets-caption').textContent).toBe(
      'Counts over the last 30 days, counted again as events arrive',
    );
  });

  it('says when Ballast would not count, and still lists the events', async () => {
    await render(
      fakeBallast({
        eventFacets: () => Promise.reject(refused(400, 'validation_failed', 'query.from: bad', 'ballast')),
      }),
    );
    const caption = await screen.findByTestId('ballast-facets-caption');
    await waitFor(() => expect(caption.textContent).toMatch(/^No counts: /));
    expect(screen.getAllByTestId('ballast-event-row')).toHaveLength(3);
  });
});
