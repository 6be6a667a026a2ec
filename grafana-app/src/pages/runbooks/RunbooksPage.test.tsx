// The Runbooks page against a real Ballast server on SQLite reading the repository's runbooks/ folder.
// Mocked: Grafana's proxy route only (test/ballast.ts adds the key the route would add).
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { proxiedApi } from '../../../test/ballast';
import { RunbooksPage, type RunbookFilters } from './RunbooksPage';

function Harness({ selected: initial }: { selected?: string }) {
  const [filters, setFilters] = useState<RunbookFilters>({});
  const [selected, setSelected] = useState(initial);
  return (
    <RunbooksPage
      api={proxiedApi()}
      filters={filters}
      onFiltersChange={setFilters}
      selected={selected}
      onOpen={setSelected}
    />
  );
}

describe('RunbooksPage', () => {
  it('lists every runbook, searches, and renders the one picked as the server sanitized it', async () => {
    render(<Harness />);
    await waitFor(() => expect(screen.getAllByTestId('runbook-row').length).toBeGreaterThan(5));
    const all = screen.getAllByTestId('runbook-row').length;
    fireEvent.change(screen.getByLabelText('Search runbooks'), { target: { value: 'fast burn' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.getAllByTestId('runbook-row').length).toBeLessThan(all));
    // Title hits rank first.
    const row = screen.getAllByTestId('runbook-row')[0]!;
    expect(row).toHaveTextContent('SLO fast burn (page tier)');
    fireEvent.click(within(row).getByRole('link'));
    const view = await screen.findByTestId('runbook-view');
    expect(await within(view).findByRole('heading', { name: 'Mitigation' })).toBeInTheDocument();
    expect(view.querySelector('script')).toBeNull();
  });

  it('says so when nothing matches', async () => {
    render(<Harness />);
    await screen.findAllByTestId('runbook-row');
    fireEvent.change(screen.getByLabelText('Search runbooks'), { target: { value: 'zebra-unicorn' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByTestId('runbooks-empty')).toHaveTextContent('No runbook matches “zebra-unicorn”');
  });

  it('shows the refusal for a runbook that does not exist', async () => {
    render(<Harness selected="no-such-runbook" />);
    expect(await screen.findByText('Could not load runbook no-such-runbook')).toBeInTheDocument();
  });
});
