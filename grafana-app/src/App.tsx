// The app's pages. Grafana mounts this under /a/ballast-reliability-app; each page keeps what it shows
// (time window, search, filters, the SLO or runbook open) in the URL, so a link reproduces it.
import type { AppRootProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { Tab, TabsBar } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { APP_API_BASE, APP_ID, ballastApi } from './api/ballast';
import { currentUser } from './api/permissions';
import { DEFAULT_WINDOW, type RawWindow } from './components/timeWindow';
import type { AppJsonData } from './pages/config/AppConfig';
import { RunbooksPage } from './pages/runbooks/RunbooksPage';
import { SloDetail } from './pages/slos/SloDetail';
import { SloList } from './pages/slos/SloList';
import { StabilizePage } from './pages/stabilize/StabilizePage';
import { TimelinePage } from './pages/timeline/TimelinePage';

const BASE = `/a/${APP_ID}`;
const PAGES = [
  { id: 'timeline', title: 'Timeline' },
  { id: 'slos', title: 'SLOs' },
  { id: 'stabilize', title: 'Stabilize' },
  { id: 'runbooks', title: 'Runbooks' },
] as const;

function useLocation(): { path: string; params: URLSearchParams } {
  const [loc, setLoc] = useState(() => locationService.getLocation());
  useEffect(() => locationService.getHistory().listen((l: typeof loc) => setLoc(l)), []);
  return useMemo(() => ({ path: loc.pathname, params: new URLSearchParams(loc.search) }), [loc.pathname, loc.search]);
}

export function App(props: AppRootProps<AppJsonData>) {
  const api = useMemo(() => ballastApi(APP_API_BASE), []);
  const user = useMemo(() => currentUser(), []);
  const { path, params } = useLocation();
  if (!props.meta.jsonData?.url) {
    return (
      <div data-testid="app-unconfigured">
        <h2>Ballast is not configured yet</h2>
        <p>An administrator sets the Ballast URL and API key on the plugin&apos;s configuration page.</p>
      </div>
    );
  }
  const [page = 'timeline', sub] = path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
  const go = (to: string, query: Record<string, string> = {}) =>
    locationService.push(`${BASE}/${to}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`);
  const opt = (k: string) => params.get(k) ?? undefined;
  const list = (k: string) => (params.getAll(k).length ? params.getAll(k) : undefined);
  const timeWindow: RawWindow = {
    from: params.get('from') ?? DEFAULT_WINDOW.from,
    to: params.get('to') ?? DEFAULT_WINDOW.to,
  };
  const current = PAGES.find((p) => p.id === page) ?? PAGES[0];
  return (
    <div data-testid={`ballast-${current.id}-page`}>
      <TabsBar>
        {PAGES.map((p) => (
          <Tab
            key={p.id}
            label={p.title}
            active={p.id === current.id}
            href={`${BASE}/${p.id}`}
            onChangeTab={(e) => {
              e?.preventDefault();
              go(p.id);
            }}
          />
        ))}
      </TabsBar>
      <h2>{current.title}</h2>
      {current.id === 'timeline' && (
        <TimelinePage
          api={api}
          window={timeWindow}
          onWindowChange={(w) => locationService.partial({ from: w.from, to: w.to })}
          initialFilters={{
            q: opt('q'),
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
      )}
      {current.id === 'slos' && !sub && (
        <SloList
          api={api}
          filters={{ service: opt('service'), team: opt('team'), tier: opt('tier') }}
          onFiltersChange={(f) =>
            locationService.partial({ service: f.service ?? null, team: f.team ?? null, tier: f.tier ?? null })
          }
          onOpen={(id) => go(`slos/${encodeURIComponent(id)}`)}
        />
      )}
      {current.id === 'slos' && sub && <SloDetail api={api} id={sub} />}
      {current.id === 'stabilize' && (
        <StabilizePage
          api={api}
          user={user}
          selected={
            opt('service') ? { service: opt('service')!, environment: opt('environment') ?? 'production' } : undefined
          }
          onSelect={(x) => go('stabilize', { service: x.service, environment: x.environment })}
        />
      )}
      {current.id === 'runbooks' && (
        <RunbooksPage
          api={api}
          filters={{ q: opt('q'), service: opt('service') }}
          onFiltersChange={(f) => locationService.partial({ q: f.q ?? null, service: f.service ?? null })}
          selected={sub}
          onOpen={(id) => go(`runbooks/${encodeURIComponent(id)}`, Object.fromEntries(params))}
        />
      )}
    </div>
  );
}
