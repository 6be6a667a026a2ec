// The panel editor's SLO picker: every SLO the app can read, by service and name.
import type { StandardEditorProps } from '@grafana/data';
import { Alert } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { APP_API_BASE, ballastApi, type BallastApi, type Slo } from '../../api/ballast';

type Props = StandardEditorProps<string | undefined> & { api?: BallastApi };

export function SloPicker({ value, onChange, api: given }: Props) {
  const api = useMemo(() => given ?? ballastApi(APP_API_BASE), [given]);
  const [slos, setSlos] = useState<Slo[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    api.slos(ac.signal).then(
      (r) => !ac.signal.aborted && setSlos(r.slos),
      (e: Error) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [api]);
  if (error)
    return (
      <Alert severity="error" title="Could not list SLOs">
        {error.message}
      </Alert>
    );
  const sorted = [...(slos ?? [])].sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  return (
    <select
      aria-label="SLO"
      value={value ?? ''}
      onChange={(e) => onChange(e.currentTarget.value || undefined)}
      disabled={!slos}
    >
      <option value="">{slos ? 'Pick an SLO' : 'Loading SLOs…'}</option>
      {sorted.map((s) => (
        <option key={s.id} value={s.id}>
          {s.service} · {s.name} ({(s.objective * 100).toFixed(2)} %)
        </option>
      ))}
    </select>
  );
}
