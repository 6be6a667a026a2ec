// The panel against a real Ballast server on SQLite. Mocked: Grafana's proxy route and template service.
import { dateTime } from '@grafana/data';
import { render, screen, waitFor } from '@testing-library/react';
import { proxiedApi } from '../../../test/ballast';
import { TimelinePanel } from './TimelinePanel';

type PanelProps = React.ComponentProps<typeof TimelinePanel>;

jest.mock('@grafana/runtime', () => ({ getTemplateSrv: () => ({ replace: (v: string) => v }) }));

const props = (service: string): PanelProps => {
  const to = dateTime();
  const from = dateTime(to.valueOf() - 6 * 3600_000);
  return {
    options: { service: '$service', kind: 'deploy,incident', limit: 50 },
    replaceVariables: (v: string) => v.replace('$service', service),
    timeRange: { from, to, raw: { from, to } },
    width: 600,
    height: 400,
    api: proxiedApi(),
  } as unknown as PanelProps;
};

describe('TimelinePanel', () => {
  it("lists one service's changes in the dashboard's range and links to the timeline", async () => {
    render(<TimelinePanel {...props('checkout')} />);
    await waitFor(() => expect(screen.getAllByTestId('event-row')).toHaveLength(4));
    const rows = screen.getAllByTestId('event-row').map((r) => r.textContent);
    expect(rows[0]).toContain('Checkout error rate back to normal');
    expect(rows.every((r) => /checkout/i.test(r ?? ''))).toBe(true);
    expect(screen.getByRole('link', { name: 'Open in the Ballast timeline' }).getAttribute('href')).toMatch(
      /^\/a\/ballast-reliability-app\/timeline\?from=\d+&to=\d+&service=checkout$/,
    );
  });

  it('says so when nothing changed', async () => {
    render(<TimelinePanel {...props('quiet-service')} />);
    expect(await screen.findByText('No changes for quiet-service in this time range.')).toBeInTheDocument();
  });
});
