// The timeline page against a real Ballast server on SQLite. Mocked: Grafana's proxy route only
// (test/ballast.ts adds the key the route would add).
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { proxiedApi } from '../../../test/ballast';
import { TimelinePage } from './TimelinePage';

const renderPage = (props: Partial<React.ComponentProps<typeof TimelinePage>> = {}) =>
  render(
    <TimelinePage
      api={proxiedApi()}
      window={{ from: 'now-6h', to: 'now' }}
      onWindowChange={() => {}}
      listHeight={2000}
      {...props}
    />,
  );

const titles = () => screen.getAllByTestId('event-row').map((r) => r.textContent ?? '');

describe('TimelinePage', () => {
  it('lists the window newest first, with ranges as bars, and narrows by search', async () => {
    renderPage({ initialFilters: { service: ['checkout'] } });
    expect(screen.getByText('Loading events…')).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId('event-row').length).toBe(6));
    expect(titles()[0]).toContain('Checkout error rate back to normal');
    expect(titles()[5]).toContain('Deploy checkout 1.4.1');
    // The 1.4.1 deploy lasted four minutes: a bar, the others are points.
    expect(screen.getAllByTestId('range-bar')).toHaveLength(1);
    // Start and resolve of INC-7 are one range, beside the deploy's.
    const lanes = await screen.findAllByTestId('range-lane');
    expect(lanes.map((l) => l.textContent)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^incident · Checkout error rate above 5%/)]),
    );

    fireEvent.change(screen.getByLabelText('Search events'), { target: { value: 'rollback' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(titles()).toHaveLength(1));
    expect(titles()[0]).toContain('Deploy checkout 1.4.2 (rollback candidate)');
  });

  it('facets show the server’s counts over the window and filter when ticked', async () => {
    const changes: unknown[] = [];
    const api = proxiedApi();
    renderPage({ api, onFiltersChange: (f) => changes.push(f) });
    await waitFor(() => expect(screen.getAllByTestId('event-row').length).toBeGreaterThan(6));
    const kind = screen.getByRole('region', { name: 'Facet kind' });
    // The counts are the server's for the same window.
    const now = Date.now();
    const server = await api.facets({
      facet: ['kind'],
      from: new Date(now - 6 * 3_600_000).toISOString(),
      to: new Date(now).toISOString(),
    });
    const incidents = server.facets.kind!.find((v) => v.value === 'incident')!.count;
    await waitFor(() =>
      expect(within(kind).getByLabelText(/incident/).parentElement).toHaveTextContent(`incident ${incidents}`),
    );
    fireEvent.click(within(kind).getByLabelText(/incident/));
    await waitFor(() => expect(titles()).toHaveLength(2));
    expect(titles().every((t) => t.includes('incident'))).toBe(true);
    expect(changes).toContainEqual({ kind: ['incident'] });
    // With kind=incident chosen, the other kinds keep their counts (the facet leaves out its own filter).
    expect(within(kind).getByLabelText(/deploy/)).toBeInTheDocument();
  });

  it('the detail shows links, what changed before, and the matched runbook', async () => {
    renderPage({ initialFilters: { service: ['checkout'] } });
    await waitFor(() => expect(screen.getAllByTestId('event-row').length).toBe(6));
    fireEvent.click(screen.getAllByTestId('event-row').find((r) => r.textContent?.includes('HighErrorRate'))!);
    const drawer = await screen.findByTestId('event-drawer');
    const changes = await within(drawer).findByTestId('context-changes');
    expect(changes).toHaveTextContent('Deploy checkout 1.4.2 (rollback candidate)');
    expect(changes).toHaveTextContent('Flag new-pricing enabled');
    expect(within(drawer).getByText(/Runbook: Error rate spike/)).toBeInTheDocument();
    await waitFor(() => expect(within(drawer).getByRole('region', { name: 'Runbook' })).toHaveTextContent('Meaning'));

    fireEvent.click(screen.getAllByTestId('event-row').find((r) => r.textContent?.includes('1.4.2'))!);
    const link = await within(screen.getByTestId('event-drawer')).findByRole('link', { name: 'PR #42' });
    expect(link).toHaveAttribute('href', 'https://github.example/shop/checkout/pull/42');
  });

  it('says so when the window is empty', async () => {
    renderPage({ initialFilters: { service: ['no-such-service'] } });
    expect(await screen.findByTestId('timeline-empty')).toHaveTextContent('No events in this window');
  });

  it('shows the server refusal when the key is refused', async () => {
    renderPage({ api: proxiedApi('blst_not-a-key') });
    expect(await screen.findByText('Ballast could not be read')).toBeInTheDocument();
    expect(screen.getByText(/unknown API key/)).toBeInTheDocument();
  });

  it('pages older events in as the list nears its end', async () => {
    // 150 events for one service: the first page holds 100, the rest arrive on scrolling.
    const { postEvents } = await import('../../../test/ballast');
    const now = Date.now();
    await postEvents(
      Array.from({ length: 150 }, (_, i) => ({
        occurredAt: new Date(now - (i + 1) * 60_000).toISOString(),
        kind: 'config_change',
        service: 'paging-test',
        title: `Config change ${i + 1}`,
      })),
    );
    renderPage({ initialFilters: { service: ['paging-test'] }, listHeight: 400 });
    await screen.findByText(/100 events \(scroll for older\)/);
    // Only the rows in view are in the DOM.
    expect(screen.getAllByTestId('event-row').length).toBeLessThan(40);
    fireEvent.scroll(screen.getByTestId('virtual-list'), { target: { scrollTop: 100 * 44 - 400 } });
    await screen.findByText(/^150 events$/);
  });
});
