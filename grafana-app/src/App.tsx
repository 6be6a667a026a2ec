// The app's pages. Grafana mounts this under /a/ballast-reliability-app; the timeline keeps its time
// window and search in the URL, so a link reproduces what the sender saw.
import type { AppRootProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { useEffect, useMemo, useState } from 'react';
import { APP_API_BASE, ballastApi } from './api/ballast';
import { DEFAULT_WINDOW, type RawWindow } from './components/timeWindow';
import { TimelinePage } from './pages/timeline/TimelinePage';
import type { AppJsonData } from './pages/config/AppConfig';

function useSearchParams(): URLSearchParams {
  const [search, setSearch] = useState(() => locationService.getLocation().search);
  useEffect(() => locationService.getHistory().listen((loc: { search: string }) => setSearch(loc.search)), []);
  return useMemo(() => new URLSearchParams(search), [search]);
}

export function App(props: AppRootProps<AppJsonData>) {
  const api = useMemo(() => ballastApi(APP_API_BASE), []);
  const params = useSearchParams();
  const window: RawWindow = {
    from: params.get('from') ?? DEFAULT_WINDOW.from,
    to: params.get('to') ?? DEFAULT_WINDOW.to,
  };
  const list = (k: string) => (params.getAll(k).length ? params.getAll(k) : undefined);
  if (!props.meta.jsonData?.url) {
    return (
      <div data-testid="app-unconfigured">
        <h2>Ballast is not configured yet</h2>
        <p>An administrator sets the Ballast URL and API key on the plugin&apos;s configuration page.</p>
      </div>
    );
  }
  return (
    <div data-testid="ballast-timeline-page">
      <h2>Timeline</h2>
      <TimelinePage
        api={api}
        window={window}
        onWindowChange={(w) => locationService.partial({ from: w.from, to: w.to })}
        initialFilters={{
          q: params.get('q') ?? undefined,
          service: list('service'),
          environment: list('environment'),
          source: list('source'),
          kind: list('kind'),
          severity: list('severity'),
        }}
        onFiltersChange={(f) =>
          locationService.partial({
            q: f.q ?? null,
            service: f.service ?? null,
            environment: f.environment ?? null,
            source: f.source ?? null,
            kind: f.kind ?? null,
            severity: f.severity ?? null,
          })
        }
      />
    </div>
  );
}
