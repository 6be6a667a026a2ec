// The app's configuration page: the backend URL (jsonData) and the API key (secureJsonData). Grafana
// encrypts secureJsonData and never returns it: the page only learns whether a key is set.
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { Alert, Button, Field, Input, SecretInput } from '@grafana/ui';
import { useState } from 'react';

export interface AppJsonData {
  url?: string;
}

type Props = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

/** What Grafana's settings endpoint takes; exported for the tests and the preview host. */
export interface AppSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppJsonData;
  secureJsonData?: { apiKey: string };
}

export function AppConfig({ plugin }: Props) {
  const meta = plugin.meta as PluginMeta<AppJsonData>;
  const [url, setUrl] = useState(meta.jsonData?.url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [keySet, setKeySet] = useState(Boolean(meta.secureJsonFields?.apiKey));
  const [result, setResult] = useState<{ ok: boolean; message: string } | undefined>();

  const save = async () => {
    const body: AppSettingsUpdate = {
      enabled: true,
      pinned: true,
      jsonData: { url: url.trim() },
      ...(apiKey ? { secureJsonData: { apiKey } } : {}),
    };
    const res = await fetch(`/api/plugins/${meta.id}/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (!res.ok) {
      setResult({ ok: false, message: `Grafana refused the settings: HTTP ${res.status}` });
      return;
    }
    if (apiKey) setKeySet(true);
    setApiKey('');
    setResult({ ok: true, message: 'Saved. The key is stored encrypted by Grafana and is not shown again.' });
  };

  const valid = /^https?:\/\/[^\s]+$/.test(url.trim());
  return (
    <div>
      <Field
        label="Ballast URL"
        description="The Ballast server as Grafana's backend reaches it"
        invalid={url !== '' && !valid}
        error="an http(s) URL"
      >
        <Input
          aria-label="Ballast URL"
          width={60}
          value={url}
          placeholder="http://ballast:4680"
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
      </Field>
      <Field
        label="API key"
        description="A key of kind grafana-proxy, so Ballast records the Grafana user as the actor"
      >
        <SecretInput
          aria-label="API key"
          width={60}
          isConfigured={keySet}
          value={apiKey}
          placeholder="blst_…"
          onChange={(e) => setApiKey(e.currentTarget.value)}
          onReset={() => {
            setKeySet(false);
            setApiKey('');
          }}
        />
      </Field>
      <Button onClick={save} disabled={!valid || (!keySet && !apiKey)}>
        Save settings
      </Button>
      {result && <Alert severity={result.ok ? 'success' : 'error'} title={result.message} />}
    </div>
  );
}
