import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, Input, SecretInput } from '@grafana/ui';
import type { BallastDataSourceOptions, BallastSecureJsonData } from './types';

type Props = DataSourcePluginOptionsEditorProps<BallastDataSourceOptions, BallastSecureJsonData>;

/**
 * The backend URL lives in jsonData; the API key in secureJsonData, which Grafana encrypts and never
 * sends back: after saving, the page only knows that a key is set (secureJsonFields.apiKey).
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const keySet = Boolean(options.secureJsonFields?.apiKey);
  return (
    <div>
      <Field
        label="Ballast URL"
        description="The Ballast server as Grafana's backend reaches it, e.g. http://ballast:4680"
      >
        <Input
          aria-label="Ballast URL"
          width={50}
          value={options.jsonData.url ?? ''}
          placeholder="http://127.0.0.1:4680"
          onChange={(e) =>
            onOptionsChange({ ...options, jsonData: { ...options.jsonData, url: e.currentTarget.value } })
          }
        />
      </Field>
      <Field label="API key" description="A viewer key is enough for queries and annotations.">
        <SecretInput
          aria-label="API key"
          width={50}
          isConfigured={keySet}
          value={options.secureJsonData?.apiKey ?? ''}
          placeholder="blst_…"
          onChange={(e) =>
            onOptionsChange({
              ...options,
              secureJsonData: { ...options.secureJsonData, apiKey: e.currentTarget.value },
            })
          }
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...options.secureJsonFields, apiKey: false },
              secureJsonData: { ...options.secureJsonData, apiKey: '' },
            })
          }
        />
      </Field>
    </div>
  );
}
