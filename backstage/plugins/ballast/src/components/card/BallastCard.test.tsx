// @vitest-environment happy-dom
/**
 * Every state of the card, through both published entry points: the legacy `EntityBallastCard` in
 * @backstage/test-utils' app, and the `/alpha` card extension in @backstage/frontend-test-utils' app.
 * The Ballast API is answered from fixtures parsed with the contract's schemas; the real API path
 * (BallastClient, the backend plugin, Ballast) is covered by the browser tests.
 */
import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock, createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { EntityBallastCard } from '../../plugin';
import { ballastEntityCard } from '../../alpha';
import { ballastApiRef, type BallastApi } from '../../api/BallastApi';
import {
  approver,
  checkoutEntity,
  fakeBallast,
  paymentsGroup,
  readDenied,
  refused,
  requester,
  scope,
  slos,
} from '../../testing/fixtures';

type Render = (api: BallastApi, entity?: Entity) => Promise<unknown>;

const systems: Array<[string, Render]> = [
  [
    'legacy EntityBallastCard',
    (api, entity = checkoutEntity) =>
      renderInTestApp(
        <TestApiProvider
          apis={[
            [ballastApiRef, api],
            [catalogApiRef, catalogApiMock({ entities: [paymentsGroup] })],
          ]}
        >
          <EntityProvider entity={entity}>
            <EntityBallastCard />
          </EntityProvider>
        </TestApiProvider>,
        // The owner links to its entity page, as in an app with the catalog.
        { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
      ),
  ],
  [
    'new frontend system card (/alpha)',
    async (api, entity = checkoutEntity) =>
      renderTestApp({
        extensions: [createTestEntityPage({ entity }), ballastEntityCard],
        apis: [
          [ballastApiRef, api],
          [catalogApiRef, catalogApiMock({ entities: [paymentsGroup] })],
        ],
      }),
  ],
];

const never = () => new Promise<never>(() => {});

// The first render loads the card lazily; a busy machine can take seconds. Waits end on the condition.
configure({ asyncUtilTimeout: 15_000 });

describe.each(systems)('%s', (_name, render) => {
  it('shows progress while Ballast answers', async () => {
    await render(fakeBallast({ getService: never }));
    expect(await screen.findByRole('progressbar')).toBeTruthy();
    expect(screen.queryByTestId('ballast-overview')).toBeNull();
  });

  it('says when the permission policy refuses reading Ballast', async () => {
    const denied = readDenied();
    await render(fakeBallast({ getSlos: () => Promise.reject(denied) }));
    const alert = await screen.findByTestId('ballast-error');
    expect(alert.textContent).toBe(
      'You may not read Ballast here: you may not ballast.events.read (Backstage permission policy).',
    );
  });

  it('says when Ballast does not answer', async () => {
    const down = refused(502, 'upstream_unavailable', 'the Ballast server did not answer', 'backstage');
    await render(fakeBallast({ getService: () => Promise.reject(down) }));
    expect((await screen.findByTestId('ballast-error')).textContent).toBe(
      'Ballast did not answer. Try again in a moment.',
    );
  });

  it('says the service is not in Ballast yet, naming the annotation', async () => {
    const missing = refused(404, 'not_found', 'no service checkout', 'ballast');
    await render(
      fakeBallast({
        getService: () => Promise.reject(missing),
        listRunbooks: async () => [],
        getSlos: async () => ({ slos: [], statuses: [] }),
        searchEvents: async () => ({ events: [], nextCursor: null, snapshotSeq: 0 }),
      }),
    );
    const box = await screen.findByTestId('ballast-not-in-ballast');
    expect(box.textContent).toContain('checkout is not in Ballast yet.');
    expect(box.textContent).toContain('ballast.dev/service');
  });

  it('shows each part as empty for a service Ballast knows with nothing attached', async () => {
    const bare = { ...checkoutEntity, metadata: { ...checkoutEntity.metadata, annotations: {}, links: [] } };
    await render(
      fakeBallast({
        getService: async () => ({
          ...(await fakeBallast().getService('checkout')),
          onCallNow: { source: 'none', people: [], asOf: new Date().toISOString() },
        }),
        listRunbooks: async () => [],
        getSlos: async () => ({ slos: [], statuses: [] }),
        searchEvents: async () => ({ events: [], nextCursor: null, snapshotSeq: 0 }),
      }),
      bare,
    );
    await screen.findByTestId('ballast-overview');
    expect(screen.getByTestId('ballast-oncall').textContent).toContain('Nobody on call is configured in Ballast.');
    expect(screen.getByTestId('ballast-slos').textContent).toContain('No SLOs for this service.');
    expect(screen.getByTestId('ballast-runbooks').textContent).toContain('No runbooks for this service.');
    expect(screen.getByTestId('ballast-changes').textContent).toContain('No deploys, flag changes or incidents yet.');
    expect(screen.getByTestId('ballast-stabilize').textContent).toContain('Set the ballast.dev/environment annotation');
  });

  it('shows owner, on-call, SLO budget with burn, stabilize countdown, runbooks and last changes', async () => {
    await render(fakeBallast({ getStabilize: async () => scope({}) }));
    await screen.findByTestId('ballast-overview');

    const owner = screen.getByTestId('ballast-owner');
    await within(owner).findByText('#payments on chat');
    expect(within(owner).getByText('Payments team')).toBeTruthy();
    expect(within(owner).getByText('payments@example.com').closest('a')?.getAttribute('href')).toBe(
      'mailto:payments@example.com',
    );
    expect(within(owner).getByText('#payments on chat').closest('a')?.getAttribute('href')).toBe(
      'https://chat.test/payments',
    );

    const onCall = screen.getByTestId('ballast-oncall');
    expect(within(onCall).getByText('Ana Oncall').closest('a')?.getAttribute('href')).toBe('mailto:ana@example.com');
    expect(onCall.textContent).toMatch(/2 h 30 min left on shift|2 h 29 min left on shift/);

    const slo = screen.getByTestId('ballast-slo');
    expect(slo.textContent).toContain('availability');
    expect(slo.textContent).toContain('42.0 % of the error budget left');
    const burn = within(slo).getByTestId('ballast-burn');
    expect(burn.getAttribute('data-level')).toBe('burning');
    expect(burn.textContent).toBe('burn 3.2× (1h)');

    const stabilize = screen.getByTestId('ballast-stabilize');
    expect(stabilize.textContent).toContain('Stabilizing');
    expect(within(stabilize).getByTestId('ballast-countdown').textContent).toMatch(/^Ends in (49|50):\d\d\.$/);
    // A reader (fixtures' default) sees the state but no button.
    expect(within(stabilize).queryByRole('button')).toBeNull();

    const runbook = screen.getByTestId('ballast-runbook');
    expect(within(runbook).getByText('Checkout errors').closest('a')?.getAttribute('href')).toBe(
      'https://backstage.test/ballast/runbooks/checkout-errors',
    );
    expect(runbook.textContent).toContain('stale');
    expect(runbook.textContent).toContain('review overdue since 2025-01-01');

    const rows = screen.getAllByTestId('ballast-change').map((r) => r.textContent);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('incident');
    expect(rows[0]).toContain('Checkout failing for card payments');
    expect(rows[1]).toContain('flag');
    expect(rows[2]).toContain('Deploy checkout 1.4.2');
    expect(rows[2]).toContain('1 h ago');
  });

  it('marks an SLO whose burn-rate tier fires', async () => {
    const status = slos.statuses[0]!;
    const tier = {
      name: 'page_fast' as const,
      enabled: true,
      severity: 'critical' as const,
      longWindow: '1h',
      shortWindow: '5m',
      factor: status.errorBudget,
      threshold: status.errorBudget,
      firing: true,
      guarded: false,
      reason: 'both windows over the threshold',
    };
    await render(fakeBallast({ getSlos: async () => ({ ...slos, statuses: [{ ...status, tiers: [tier] }] }) }));
    expect((await screen.findByTestId('ballast-burn')).getAttribute('data-level')).toBe('firing');
  });

  it('lets a requester enter stabilize with a reason and TTL, and shows what Ballast refused', async () => {
    const enter = vi
      .fn<BallastApi['enterStabilize']>()
      .mockRejectedValueOnce(refused(400, 'ttl_too_long', 'at most 240 minutes in production', 'ballast'))
      .mockResolvedValueOnce(scope({}).stabilize!);
    let status = scope(null);
    const api = fakeBallast({
      me: async () => requester,
      getStabilize: async () => status,
      enterStabilize: async (...args) => {
        const s = await enter(...args);
        status = scope({});
        return s;
      },
    });
    await render(api);
    const section = await screen.findByTestId('ballast-stabilize');
    expect(section.textContent).toContain('Running normally.');
    fireEvent.change(within(section).getByLabelText('Reason'), { target: { value: 'budget burning after 1.4.2' } });
    fireEvent.change(within(section).getByLabelText('TTL (minutes)'), { target: { value: '600' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Enter stabilize' }));
    expect((await within(section).findByRole('alert')).textContent).toBe('at most 240 minutes in production');
    expect(enter).toHaveBeenLastCalledWith('checkout', 'production', {
      reason: 'budget burning after 1.4.2',
      ttlMinutes: 600,
    });

    fireEvent.change(within(section).getByLabelText('TTL (minutes)'), { target: { value: '60' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Enter stabilize' }));
    await within(screen.getByTestId('ballast-stabilize')).findByTestId('ballast-countdown');
    const buttons = within(screen.getByTestId('ballast-stabilize')).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['Extend', 'Exit stabilize']);
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('lets a second person approve a waiting request, and shows what Ballast refused', async () => {
    const approve = vi
      .fn<BallastApi['approveStabilize']>()
      .mockRejectedValueOnce(refused(403, 'forbidden', 'you may not approve your own request', 'ballast'))
      .mockResolvedValueOnce(scope({}).stabilize!);
    let status = scope({ state: 'requested', approvalRequired: true, activatedAt: undefined, expiresAt: undefined });
    await render(
      fakeBallast({
        me: async () => approver,
        getStabilize: async () => status,
        approveStabilize: async (...args) => {
          const s = await approve(...args);
          status = scope({});
          return s;
        },
      }),
    );
    const section = await screen.findByTestId('ballast-stabilize');
    expect(section.textContent).toContain('waiting for a second person to approve');
    // An approver without the request permission gets approve and turn down, nothing else.
    expect(
      within(section)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Approve', 'Turn down']);
    fireEvent.click(within(section).getByRole('button', { name: 'Approve' }));
    expect((await within(section).findByRole('alert')).textContent).toBe('you may not approve your own request');
    expect(approve).toHaveBeenLastCalledWith('stb_0123456789abcdef', {});

    fireEvent.change(within(section).getByLabelText('Reason'), { target: { value: 'checked the burn, go' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Approve' }));
    await within(screen.getByTestId('ballast-stabilize')).findByTestId('ballast-countdown');
    expect(approve).toHaveBeenLastCalledWith('stb_0123456789abcdef', { comment: 'checked the burn, go' });
    expect(within(screen.getByTestId('ballast-stabilize')).queryByRole('button')).toBeNull();
  });

  it('lets a requester ask for more time, and a second person turn the extension down', async () => {
    const extend = vi.fn<BallastApi['extendStabilize']>();
    const reject = vi.fn<BallastApi['rejectStabilize']>();
    const pending = {
      pendingExtension: {
        minutes: 45,
        reason: 'deploy fix still rolling out',
        requestedBy: { type: 'user' as const, id: 'user:default/vic', name: 'Vic', verified: true },
        requestedAt: new Date().toISOString(),
      },
    };
    let status = scope({});
    const api = (me: typeof requester) =>
      fakeBallast({
        me: async () => me,
        getStabilize: async () => status,
        extendStabilize: async (...args) => {
          extend(...args);
          status = scope(pending);
          return status.stabilize!;
        },
        rejectStabilize: async (...args) => {
          reject(...args);
          status = scope({});
          return status.stabilize!;
        },
      });
    await render(api(requester));
    let section = await screen.findByTestId('ballast-stabilize');
    await within(section).findByTestId('ballast-countdown');
    fireEvent.change(within(section).getByLabelText('Reason'), { target: { value: 'deploy fix still rolling out' } });
    fireEvent.change(within(section).getByLabelText('More minutes'), { target: { value: '45' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Extend' }));
    const line = await within(screen.getByTestId('ballast-stabilize')).findByTestId('ballast-pending-extension');
    expect(line.textContent).toBe(
      'Vic asks for 45 more minutes (deploy fix still rolling out), waiting for a second person to approve.',
    );
    expect(extend).toHaveBeenCalledWith('checkout', 'production', {
      minutes: 45,
      reason: 'deploy fix still rolling out',
    });
    // One extension waits at a time: no second one asked for meanwhile.
    expect(within(screen.getByTestId('ballast-stabilize')).queryByRole('button', { name: 'Extend' })).toBeNull();

    cleanup();
    await render(api(approver));
    section = await screen.findByTestId('ballast-stabilize');
    await within(section).findByTestId('ballast-pending-extension');
    expect(
      within(section)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Approve extension', 'Turn down extension']);
    fireEvent.change(within(section).getByLabelText('Reason'), { target: { value: 'exit and redeploy instead' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Turn down extension' }));
    await waitFor(() => expect(screen.queryByTestId('ballast-pending-extension')).toBeNull());
    expect(reject).toHaveBeenCalledWith('stb_0123456789abcdef', { reason: 'exit and redeploy instead' });
  });
});
