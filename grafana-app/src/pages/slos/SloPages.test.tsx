// The SLO list and detail against a real Ballast server on SQLite, with a pushed SLO whose counts the
// test sends through the API. Mocked: Grafana's proxy route only. (jsdom has no layout, so the plots
// are left to the browser tests.)
import type { SloStatus } from '@ballast/contract';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { proxiedApi, server } from '../../../test/ballast';
import { SloDetail } from './SloDetail';
import { SloList } from './SloList';

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server().url}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server().keys.admin}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};

const ID = 'ledger-writes';
beforeAll(async () => {
  await admin('POST', '/slos', {
    id: ID,
    service: 'ledger',
    name: 'writes',
    objective: 0.99,
    period: { kind: 'rolling', window: '7d' },
    sli: { kind: 'pushed' },
    labels: { team: 'finance' },
  });
  // A day of traffic, 20 % bad in the last quarter hour: over 1 h and 5 m the error ratio passes the
  // fast page tier's threshold (3.36 × 1 % for a 7-day period), while most of the budget is left.
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const points = Array.from({ length: 1440 }, (_, i) => {
    const t = minute - (1440 - i) * 60_000;
    return { timestamp: new Date(t).toISOString(), total: 1000, good: i >= 1425 ? 800 : 1000 };
  });
  await admin('POST', `/slos/${ID}/sli`, { points });
});

describe('SLO pages', () => {
  it('the list shows the server budget, the firing tier, and filters by team and tier', async () => {
    const status = (await admin('GET', `/slos/${ID}/status`)) as SloStatus;
    const changes: unknown[] = [];
    const { rerender } = render(
      <SloList
        api={proxiedApi()}
        filters={{ team: 'finance' }}
        onFiltersChange={(f) => changes.push(f)}
        onOpen={() => {}}
      />,
    );
    const row = await screen.findByTestId('slo-row');
    expect(row).toHaveAttribute('data-slo', ID);
    expect(within(row).getByTestId('slo-budget')).toHaveTextContent(
      `${((status.budgetRemaining.value ?? 0) * 100).toFixed(1)} %`,
    );
    expect(row).toHaveTextContent('page_fast');
    expect(row).toHaveTextContent('paging');
    fireEvent.change(screen.getByLabelText('Firing tier'), { target: { value: 'none' } });
    expect(changes).toEqual([{ team: 'finance', tier: 'none' }]);
    rerender(
      <SloList
        api={proxiedApi()}
        filters={{ team: 'finance', tier: 'none' }}
        onFiltersChange={() => {}}
        onOpen={() => {}}
      />,
    );
    expect(await screen.findByText('No SLO matches these filters.')).toBeInTheDocument();
  });

  it('the detail shows each tier with its inputs, formula and result, and why there are no rules', async () => {
    render(<SloDetail api={proxiedApi()} id={ID} />);
    await screen.findByTestId('slo-detail');
    const status = (await admin('GET', `/slos/${ID}/status`)) as SloStatus;
    const fast = status.tiers.find((t) => t.name === 'page_fast')!;
    const row = screen.getByTestId('slo-tiers').querySelector('tr[data-tier="page_fast"]') as HTMLElement;
    expect(row).toHaveTextContent(fast.factor.formula);
    expect(row).toHaveTextContent(fast.threshold.formula);
    expect(within(row).getByTestId('threshold-page_fast').textContent).toBe(
      String(Number(fast.threshold.value!.toPrecision(4))),
    );
    expect(within(row).getByTestId('tier-state-page_fast')).toHaveTextContent('firing');
    expect(screen.getByTestId('slo-rules-none')).toHaveTextContent('pushed SLI');
    expect(screen.getByTestId('slo-exhaustion')).toHaveTextContent(/hours|days|exhausted/);
  });

  it('says so for an SLO that does not exist', async () => {
    render(<SloDetail api={proxiedApi()} id="no-such-slo" />);
    await waitFor(() => expect(screen.getByText('Could not read SLO no-such-slo')).toBeInTheDocument());
  });
});
