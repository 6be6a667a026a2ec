// The stabilize panel against a real Ballast server on SQLite. Mocked: Grafana's proxy route (the test
// client adds the key and the user header as the route and Grafana's send_user_header would) and its
// template service.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { proxiedApi, server } from '../../../test/ballast';
import { StabilizePanel } from './StabilizePanel';

jest.mock('@grafana/runtime', () => ({ getTemplateSrv: () => ({ replace: (v: string) => v }) }));

type Props = React.ComponentProps<typeof StabilizePanel>;
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server().url}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server().keys.admin}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};

let approverKey: string;
beforeAll(async () => {
  approverKey = (await admin('POST', '/keys', { name: 'jest approver', role: 'approver', kind: 'grafana-proxy' }))
    .secret;
  await admin('PUT', '/stabilize/profiles/basket?environment=production', {
    flags: ['basket-suggestions'],
    queues: [{ name: 'basket-emails', action: 'pause' }],
  });
});

const props = (login: string, act: boolean, key = approverKey): Props =>
  ({
    options: { service: '$service', environment: 'production' },
    replaceVariables: (v: string) => v.replace('$service', 'basket'),
    width: 600,
    height: 500,
    api: proxiedApi(key, login),
    user: { login, act },
  }) as unknown as Props;

describe('StabilizePanel', () => {
  it('enters with the profile diff and a reason; the requester cannot approve; another person can', async () => {
    const { unmount } = render(<StabilizePanel {...props('ed@example.com', true)} />);
    expect(await screen.findByText('Running normally')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Enter stabilize…' }));
    const diff = await screen.findByTestId('profile-diff');
    expect(diff).toHaveTextContent('flags[basket-suggestions]');
    expect(diff).toHaveTextContent('paused');
    const go = screen.getByRole('button', { name: 'Stabilize basket in production' });
    expect(go).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'basket errors after 2.1' } });
    fireEvent.change(screen.getByLabelText('Incident'), { target: { value: 'INC-9' } });
    fireEvent.click(go);
    expect(await screen.findByText('Waiting for approval')).toBeInTheDocument();
    expect(screen.getByTestId('scope-countdown')).toHaveTextContent(/^request expires in \d+ min \d\d s$/);

    fireEvent.click(screen.getByRole('button', { name: 'Approve…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm approve' }));
    const refusal = await screen.findByTestId('scope-refusal');
    expect(refusal).toHaveTextContent('You cannot approve your own request');
    unmount();

    render(<StabilizePanel {...props('Ana@example.com', true)} />);
    await screen.findByText('Waiting for approval');
    fireEvent.click(screen.getByRole('button', { name: 'Approve…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm approve' }));
    expect(await screen.findByText('Stabilized')).toBeInTheDocument();
    expect(screen.getByTestId('scope-countdown')).toHaveTextContent(/^ends in (1 h 00 min|59 min \d\d s)$/);
    const { stabilizes } = await admin('GET', '/stabilize?service=basket');
    expect(stabilizes[0]).toMatchObject({ state: 'active', incident: 'INC-9', approvedBy: { id: 'Ana@example.com' } });

    fireEvent.click(screen.getByRole('button', { name: 'Exit…' }));
    fireEvent.change(within(screen.getByRole('group', { name: 'Confirm exit' })).getByLabelText('Reason'), {
      target: { value: 'errors gone' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm exit' }));
    await waitFor(() => expect(screen.getByTestId('scope-state')).toHaveTextContent('Running normally'));
  });

  it('offers no action to a Viewer, and the server refuses a key without the permission', async () => {
    const { unmount } = render(<StabilizePanel {...props('val@example.com', false)} />);
    expect(await screen.findByText(/acting needs Editor/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter stabilize…' })).toBeNull();
    unmount();

    render(<StabilizePanel {...props('ed@example.com', true, server().keys.proxyViewer)} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Enter stabilize…' }));
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'try anyway' } });
    fireEvent.click(screen.getByRole('button', { name: 'Stabilize basket in production' }));
    expect(await screen.findByText('Ballast refused: not permitted')).toBeInTheDocument();
    expect((await admin('GET', '/stabilize?service=basket')).stabilizes).toEqual([]);
  });

  it('a second person rejects a request; an active stabilize is extended with approval', async () => {
    const cart = (login: string) => ({
      ...props(login, true),
      options: { service: 'cart', environment: 'production' },
      replaceVariables: (v: string) => v,
    });
    const enter = async (reason: string) => {
      fireEvent.click(await screen.findByRole('button', { name: 'Enter stabilize…' }));
      fireEvent.change(screen.getByLabelText('Reason'), { target: { value: reason } });
      fireEvent.click(screen.getByRole('button', { name: 'Stabilize cart in production' }));
      await screen.findByText('Waiting for approval');
    };
    const confirm = async (button: string, reason?: string) => {
      fireEvent.click(screen.getByRole('button', { name: `${button}…` }));
      const action = button.split(' ')[0]!.toLowerCase();
      const group = screen.getByRole('group', { name: `Confirm ${action}` });
      if (reason) fireEvent.change(within(group).getByLabelText(/Reason|Comment/), { target: { value: reason } });
      fireEvent.click(within(group).getByRole('button', { name: `Confirm ${action}` }));
    };

    let view = render(<StabilizePanel {...(cart('ed@example.com') as Props)} />);
    await enter('cart timeouts');
    view.unmount();
    view = render(<StabilizePanel {...(cart('ana@example.com') as Props)} />);
    await screen.findByText('Waiting for approval');
    await confirm('Reject', 'not needed, it recovered');
    await waitFor(() => expect(screen.getByTestId('scope-state')).toHaveTextContent('Running normally'));
    const rejected = await admin('GET', '/stabilize?service=cart&state=rejected');
    expect(rejected.stabilizes[0]).toMatchObject({
      endReason: 'not needed, it recovered',
      endedBy: { id: 'ana@example.com' },
    });
    view.unmount();

    view = render(<StabilizePanel {...(cart('ed@example.com') as Props)} />);
    await enter('cart timeouts again');
    view.unmount();
    view = render(<StabilizePanel {...(cart('ana@example.com') as Props)} />);
    await screen.findByText('Waiting for approval');
    await confirm('Approve');
    await screen.findByText('Stabilized');
    fireEvent.click(screen.getByRole('button', { name: 'Extend…' }));
    fireEvent.change(screen.getByLabelText('Minutes to add'), { target: { value: '15' } });
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'still shaky' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm extend' }));
    // Production asks a second person for extensions too: it waits, and the requester's own approval is refused.
    expect(await screen.findByText('Stabilized · extension of 15 min waits for approval')).toBeInTheDocument();
    await confirm('Approve extension');
    expect(await screen.findByTestId('scope-refusal')).toHaveTextContent('You cannot approve your own request');
    view.unmount();

    render(<StabilizePanel {...(cart('ed@example.com') as Props)} />);
    await screen.findByText('Stabilized · extension of 15 min waits for approval');
    await confirm('Approve extension');
    await waitFor(() => expect(screen.getByTestId('scope-state')).toHaveTextContent(/^Stabilized$/));
    const { stabilizes } = await admin('GET', '/stabilize?service=cart');
    expect(stabilizes[0].extensions).toMatchObject([{ minutes: 15, approvedBy: { id: 'ed@example.com' } }]);
    await confirm('Exit', 'done');
    await waitFor(() => expect(screen.getByTestId('scope-state')).toHaveTextContent('Running normally'));
  });

  it('asks for one service when the variable holds several', async () => {
    render(<StabilizePanel {...props('ed@example.com', true)} replaceVariables={() => 'a,b'} />);
    expect(screen.getByText('Pick one service')).toBeInTheDocument();
  });
});
