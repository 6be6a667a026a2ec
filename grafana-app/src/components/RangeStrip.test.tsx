// The range strip against a real Ballast server on SQLite. Mocked: Grafana's proxy route only
// (test/ballast.ts adds the key the route would add).
import { render, screen, waitFor } from '@testing-library/react';
import { proxiedApi } from '../../test/ballast';
import { RangeStrip } from './RangeStrip';

const window6h = () => {
  const to = new Date();
  return { from: new Date(to.getTime() - 6 * 3_600_000).toISOString(), to: to.toISOString() };
};

describe('RangeStrip', () => {
  it('draws the ranges of the window and says nothing of a limit when everything fitted', async () => {
    render(<RangeStrip api={proxiedApi()} filters={{ service: ['checkout'] }} {...window6h()} />);
    await waitFor(() => expect(screen.getAllByTestId('range-lane').length).toBeGreaterThan(0));
    expect(screen.queryByTestId('ranges-truncated')).not.toBeInTheDocument();
  });

  it('says when the server left older events out', async () => {
    render(<RangeStrip api={proxiedApi()} filters={{ service: ['checkout'] }} {...window6h()} limit={1} />);
    expect(await screen.findByTestId('ranges-truncated')).toHaveTextContent(
      'Older events in this window are not shown',
    );
  });
});
