// The config page. Mocked: Grafana's plugin settings endpoint (POST /api/plugins/<id>/settings), the
// one place the page talks to Grafana rather than to Ballast.
import type { AppPluginMeta } from '@grafana/data';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { AppConfig, type AppSettingsUpdate } from './AppConfig';

const meta = (keySet: boolean) =>
  ({
    id: 'ballast-reliability-app',
    name: 'Ballast',
    type: 'app',
    enabled: true,
    jsonData: { url: 'http://ballast:4680' },
    secureJsonFields: keySet ? { apiKey: true } : {},
  }) as unknown as AppPluginMeta;

describe('AppConfig', () => {
  const sent: AppSettingsUpdate[] = [];
  beforeEach(() => {
    sent.length = 0;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      sent.push(JSON.parse(String(init?.body)));
      return new Response('{"message":"Plugin settings updated"}', { status: 200 });
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends the key in secureJsonData only, then shows it as configured without its value', async () => {
    render(<AppConfig plugin={{ meta: meta(false) } as never} query={{}} />);
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'blst_secret-value' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText(/Saved\. The key is stored encrypted/);
    expect(sent).toEqual([
      {
        enabled: true,
        pinned: true,
        jsonData: { url: 'http://ballast:4680' },
        secureJsonData: { apiKey: 'blst_secret-value' },
      },
    ]);
    expect(document.body.innerHTML).not.toContain('blst_secret-value');
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
  });

  it('keeps a configured key when only the URL changes', async () => {
    render(<AppConfig plugin={{ meta: meta(true) } as never} query={{}} />);
    fireEvent.change(screen.getByLabelText('Ballast URL'), { target: { value: 'https://ballast.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ enabled: true, pinned: true, jsonData: { url: 'https://ballast.example' } });
  });

  it('refuses to save without a valid URL', () => {
    render(<AppConfig plugin={{ meta: meta(true) } as never} query={{}} />);
    fireEvent.change(screen.getByLabelText('Ballast URL'), { target: { value: 'ballast:4680' } });
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    expect(screen.getByText('an http(s) URL')).toBeInTheDocument();
  });
});
