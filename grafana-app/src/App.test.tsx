// The app root. Mocked: Grafana's location service (the URL), and the proxy route (the page's fetch
// of /api/plugin-proxy/... is sent to the real test server with the key the route would add).
import { render, screen, waitFor } from '@testing-library/react';
import { proxyFetch, server } from '../test/ballast';
import { App } from './App';

let search = '?from=now-2h&to=now&service=checkout';
let pathname = '/a/ballast-reliability-app/timeline';
jest.mock('@grafana/runtime', () => ({
  config: { bootData: { user: { login: 'vera@example.com', orgRole: 'Viewer' } } },
  locationService: {
    getLocation: () => ({ pathname, search }),
    getHistory: () => ({ listen: () => () => {} }),
    partial: (q: Record<string, unknown>) => {
      search = `?${new URLSearchParams(q as Record<string, string>)}`;
    },
  },
}));

const meta = (url?: string) => ({ id: 'ballast-reliability-app', jsonData: url ? { url } : {} }) as never;

describe('App', () => {
  beforeEach(() => {
    const viaProxy = proxyFetch(server().keys.proxy, 'vera@example.com');
    jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation((input, init) =>
        viaProxy(String(input).replace('/api/plugin-proxy/ballast-reliability-app/api', '/proxy'), init),
      );
  });
  afterEach(() => jest.restoreAllMocks());

  it('asks for configuration until a URL is set', () => {
    render(<App meta={meta()} basename="/a/ballast-reliability-app" query={{}} path="" onNavChanged={() => {}} />);
    expect(screen.getByTestId('app-unconfigured')).toHaveTextContent('Ballast is not configured yet');
  });

  it('reads the window and filters from the URL and calls the app proxy route', async () => {
    render(
      <App
        meta={meta('http://ballast:4680')}
        basename="/a/ballast-reliability-app"
        query={{}}
        path=""
        onNavChanged={() => {}}
      />,
    );
    await waitFor(() => expect(screen.getAllByTestId('event-row').length).toBeGreaterThan(0));
    const titles = screen.getAllByTestId('event-row').map((r) => r.textContent ?? '');
    expect(titles.some((t) => t.includes('Deploy checkout 1.4.2'))).toBe(true);
    // two hours back: the 1.4.1 deploy, three hours ago, is outside
    expect(titles.some((t) => t.includes('Deploy checkout 1.4.1'))).toBe(false);
    const calls = (globalThis.fetch as jest.Mock).mock.calls.map(([u]) => String(u));
    expect(
      calls.some((u) => u.startsWith('/api/plugin-proxy/ballast-reliability-app/api/events?service=checkout')),
    ).toBe(true);
  });

  it('routes by path: the SLOs page with its filters', async () => {
    pathname = '/a/ballast-reliability-app/slos';
    search = '';
    render(
      <App
        meta={meta('http://ballast:4680')}
        basename="/a/ballast-reliability-app"
        query={{}}
        path=""
        onNavChanged={() => {}}
      />,
    );
    expect(screen.getByTestId('ballast-slos-page')).toBeInTheDocument();
    // Other test files add SLOs to the shared server: the filters show once the list has loaded.
    expect(await screen.findByRole('combobox', { name: 'Firing tier' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'SLOs' })).toHaveAttribute('aria-selected', 'true');
  });
});
