// Every scope Ballast knows to stabilize (those stabilized or waiting, and those with a profile) with
// its state and countdown, actions, the server's suggestion, and the chosen scope's history from the
// timeline (source stabilize).
import type { Event } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Input, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import type { BallastApi } from '../../api/ballast';
import type { UserAbilities } from '../../api/permissions';
import { ScopeCard } from '../../components/stabilize/ScopeCard';
import type { Load } from '../../components/useLoad';

interface Props {
  api: BallastApi;
  user: UserAbilities;
  /** The scope picked (from the URL), shown first with its history. */
  selected?: { service: string; environment: string };
  onSelect?: (scope: { service: string; environment: string }) => void;
}

interface Scope {
  service: string;
  environment: string;
  why: string;
}

/** Open stabilizes first, then scopes with their own profile; a service-wide profile stands for production. */
async function knownScopes(api: BallastApi, signal: AbortSignal): Promise<Scope[]> {
  const [open, profiles] = await Promise.all([api.stabilizes({}, signal), api.stabilizeProfiles(signal)]);
  const scopes = new Map<string, Scope>();
  const add = (service: string, environment: string, why: string) => {
    const k = `${service}/${environment}`;
    if (!scopes.has(k)) scopes.set(k, { service, environment, why });
  };
  for (const st of open.stabilizes) add(st.service, st.environment, st.state);
  for (const p of profiles.profiles)
    add(p.service, p.environment ?? 'production', p.environment ? `profile v${p.version}` : 'service-wide profile');
  return [...scopes.values()];
}

export function StabilizePage({ api, user, selected, onSelect }: Props) {
  const s = useStyles2(getStyles);
  const [rev, setRev] = useState(0);
  const [scopes, setScopes] = useState<Load<Scope[]>>({ state: 'loading' });
  const [service, setService] = useState(selected?.service ?? '');
  const [environment, setEnvironment] = useState(selected?.environment ?? 'production');
  useEffect(() => {
    const ac = new AbortController();
    knownScopes(api, ac.signal).then(
      (value) => !ac.signal.aborted && setScopes({ state: 'done', value }),
      (error: Error) => !ac.signal.aborted && setScopes({ state: 'error', error }),
    );
    return () => ac.abort();
  }, [api, rev]);

  const list = useMemo(() => {
    if (scopes.state !== 'done') return [];
    const rest = scopes.value.filter(
      (x) => !(selected && x.service === selected.service && x.environment === selected.environment),
    );
    return selected ? [{ ...selected, why: 'picked' }, ...rest] : rest;
  }, [scopes, selected]);

  return (
    <div className={s.page}>
      <form
        className={s.pick}
        onSubmit={(e) => {
          e.preventDefault();
          if (service.trim() && environment.trim())
            onSelect?.({ service: service.trim(), environment: environment.trim() });
        }}
      >
        <Stack direction="row" gap={1} alignItems="center">
          <Input
            aria-label="Service"
            placeholder="service"
            width={20}
            value={service}
            onChange={(e) => setService(e.currentTarget.value)}
          />
          <Input
            aria-label="Environment"
            placeholder="environment"
            width={20}
            value={environment}
            onChange={(e) => setEnvironment(e.currentTarget.value)}
          />
          <Button type="submit" variant="secondary">
            Open scope
          </Button>
        </Stack>
      </form>
      {scopes.state === 'loading' && <LoadingPlaceholder text="Loading scopes…" />}
      {scopes.state === 'error' && (
        <Alert severity="error" title="Ballast could not be read">
          {scopes.error.message}
        </Alert>
      )}
      {scopes.state === 'done' && list.length === 0 && (
        <p className={s.muted} data-testid="stabilize-empty">
          Nothing is stabilized and no scope has a profile yet. Open a scope above, or add a profile
          (docs/stabilize.md).
        </p>
      )}
      <div className={s.columns}>
        <div className={s.cards} data-testid="scope-list">
          {list.map((x) => (
            <div key={`${x.service}/${x.environment}`}>
              <ScopeCard
                api={api}
                service={x.service}
                environment={x.environment}
                user={user}
                onChanged={() => setRev((r) => r + 1)}
              />
              {!(selected && selected.service === x.service && selected.environment === x.environment) && (
                <Button size="sm" variant="secondary" fill="text" onClick={() => onSelect?.(x)}>
                  History of {x.service} · {x.environment}
                </Button>
              )}
            </div>
          ))}
        </div>
        {selected && (
          <ScopeHistory api={api} key={`${selected.service}/${selected.environment}/${rev}`} {...selected} />
        )}
      </div>
    </div>
  );
}

/** The scope's stabilize transitions from the timeline, newest first, over the last 30 days. */
function ScopeHistory({ api, service, environment }: { api: BallastApi; service: string; environment: string }) {
  const s = useStyles2(getStyles);
  const [load, setLoad] = useState<Load<Event[]>>({ state: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    api
      .search(
        {
          service: [service],
          environment: [environment],
          source: ['stabilize'],
          from: new Date(Date.now() - 30 * 86_400_000).toISOString(),
          to: new Date(Date.now() + 60_000).toISOString(),
          limit: 50,
        },
        ac.signal,
      )
      .then(
        (page) => !ac.signal.aborted && setLoad({ state: 'done', value: page.events }),
        (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
      );
    return () => ac.abort();
  }, [api, service, environment]);
  return (
    <section className={s.history} aria-label="Scope history">
      <h4>
        History of {service} · {environment}
      </h4>
      {load.state === 'loading' && <LoadingPlaceholder text="Loading history…" />}
      {load.state === 'error' && (
        <Alert severity="warning" title="Could not load the history">
          {load.error.message}
        </Alert>
      )}
      {load.state === 'done' && load.value.length === 0 && (
        <p className={s.muted}>Never stabilized in the last 30 days.</p>
      )}
      {load.state === 'done' && load.value.length > 0 && (
        <ol className={s.events} data-testid="scope-history">
          {load.value.map((e) => (
            <li key={e.id}>
              <span className={s.muted}>{new Date(e.occurredAt).toLocaleString()}</span> · <strong>{e.status}</strong> ·{' '}
              {e.title} <span className={s.muted}>({e.actor.name ?? e.actor.id})</span>
            </li>
          ))}
        </ol>
      )}
      <a
        className={s.link}
        href={`/a/ballast-reliability-app/timeline?${new URLSearchParams({ service, environment, source: 'stabilize', from: 'now-30d', to: 'now' })}`}
      >
        On the timeline
      </a>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  pick: css({ marginBottom: theme.spacing(1) }),
  columns: css({ display: 'flex', gap: theme.spacing(2), alignItems: 'flex-start' }),
  cards: css({ flex: 1, minWidth: 0 }),
  history: css({ width: 420, flexShrink: 0 }),
  events: css({
    listStyle: 'none',
    padding: 0,
    li: { padding: theme.spacing(0.5, 0), borderBottom: `1px solid ${theme.colors.border.weak}` },
  }),
  muted: css({ color: theme.colors.text.secondary }),
  link: css({ color: theme.colors.text.link }),
});
