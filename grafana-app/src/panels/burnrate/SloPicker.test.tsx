// The burn-rate panel's SLO picker (its editor in Grafana's panel options) against a real Ballast
// server on SQLite. Mocked: Grafana's proxy route only.
import { fireEvent, render, screen } from '@testing-library/react';
import { proxiedApi, server } from '../../../test/ballast';
import { SloPicker } from './SloPicker';

beforeAll(async () => {
  const res = await fetch(`${server().url}/v1/slos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server().keys.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'picker-availability',
      service: 'picker',
      name: 'availability',
      objective: 0.995,
      period: { kind: 'rolling', window: '28d' },
      sli: { kind: 'pushed' },
    }),
  });
  expect(res.status).toBeLessThan(300);
});

it('lists the SLOs by service and name and hands the chosen id to the panel options', async () => {
  const chosen: Array<string | undefined> = [];
  // Grafana passes the option's item and context too; the picker needs neither.
  const editorProps = { item: {}, context: { data: [] } } as unknown as React.ComponentProps<typeof SloPicker>;
  render(<SloPicker {...editorProps} value={undefined} onChange={(v) => chosen.push(v)} api={proxiedApi()} />);
  const option = await screen.findByRole('option', { name: 'picker · availability (99.50 %)' });
  fireEvent.change(screen.getByLabelText('SLO'), { target: { value: (option as HTMLOptionElement).value } });
  expect(chosen).toEqual(['picker-availability']);
});
