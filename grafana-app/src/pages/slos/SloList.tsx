// Every SLO, least budget left first, coloured by health, filtered by service, team label and firing tier.
import type { SloStatus } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import type { BallastApi, Slo } from '../../api/ballast';
import {
  HEALTH,
  byBudgetRemaining,
  exhaustionText,
  firingTiers,
  percent,
  sloHealth,
} from '../../components/slo/sloView';

export interface SloFilters {
  service?: string;
  team?: string;
  /** `any` firing, `none`, or one tier name. */
  tier?: string;
}

interface Props {
  api: BallastApi;
  filters: SloFilters;
  onFiltersChange: (f: SloFilters) => void;
  onOpen: (id: string) => void;
}

type Load =
  { state: 'loading' } | { state: 'done'; statuses: SloStatus[]; slos: Slo[] } | { state: 'error'; error: Error };

const TIERS = ['page_fast', 'page_slow', 'ticket_fast', 'ticket_slow'];

export function SloList({ api, filters, onFiltersChange, onOpen }: Props) {
  const s = useStyles2(getStyles);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    Promise.all([api.sloStatuses(ac.signal), api.slos(ac.signal)]).then(
      ([st, sl]) => !ac.signal.aborted && setLoad({ state: 'done', statuses: st.statuses, slos: sl.slos }),
      (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ac.abort();
  }, [api]);

  const team = useMemo(
    () => new Map(load.state === 'done' ? load.slos.map((x) => [x.id, x.labels.team ?? '']) : []),
    [load],
  );
  const rows = useMemo(() => {
    if (load.state !== 'done') return [];
    return load.statuses
      .filter((x) => !filters.service || x.slo.service === filters.service)
      .filter((x) => !filters.team || team.get(x.slo.id) === filters.team)
      .filter((x) => {
        const firing = firingTiers(x);
        if (!filters.tier) return true;
        if (filters.tier === 'any') return firing.length > 0;
        if (filters.tier === 'none') return firing.length === 0;
        return (firing as string[]).includes(filters.tier);
      })
      .sort(byBudgetRemaining);
  }, [load, filters, team]);

  if (load.state === 'loading') return <LoadingPlaceholder text="Loading SLOs…" />;
  if (load.state === 'error')
    return (
      <Alert severity="error" title="Ballast could not be read">
        {load.error.message}
      </Alert>
    );
  const services = [...new Set(load.statuses.map((x) => x.slo.service))].sort();
  const teams = [...new Set([...team.values()].filter(Boolean))].sort();
  const select = (
    label: string,
    value: string | undefined,
    options: string[],
    key: keyof SloFilters,
    names: Record<string, string> = {},
  ) => (
    <label className={s.filter}>
      {label}
      <select
        aria-label={label}
        value={value ?? ''}
        onChange={(e) => onFiltersChange({ ...filters, [key]: e.currentTarget.value || undefined })}
      >
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {names[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div>
      <Stack direction="row" gap={2}>
        {select('Service', filters.service, services, 'service')}
        {select('Team', filters.team, teams, 'team')}
        {select('Firing tier', filters.tier, ['any', 'none', ...TIERS], 'tier', {
          any: 'any tier firing',
          none: 'none firing',
        })}
      </Stack>
      {load.statuses.length === 0 && (
        <p className={s.muted} data-testid="slo-empty">
          No SLOs yet. Define them with <code>ballast slo apply</code> or in the SLO folder (docs/slo.md).
        </p>
      )}
      {load.statuses.length > 0 && rows.length === 0 && <p className={s.muted}>No SLO matches these filters.</p>}
      {rows.length > 0 && (
        <table className={s.table} data-testid="slo-list">
          <thead>
            <tr>
              <th>SLO</th>
              <th>service</th>
              <th>objective</th>
              <th>budget remaining</th>
              <th>exhausted in</th>
              <th>firing</th>
              <th>status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => {
              const health = HEALTH[sloHealth(x)];
              const remaining = x.budgetRemaining.value;
              return (
                <tr key={x.slo.id} data-testid="slo-row" data-slo={x.slo.id}>
                  <td>
                    <a
                      className={s.link}
                      href={`#${x.slo.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        onOpen(x.slo.id);
                      }}
                    >
                      {x.slo.name}
                    </a>
                  </td>
                  <td>{x.slo.service}</td>
                  <td>{percent(x.slo.objective, 2)}</td>
                  <td>
                    <div className={s.bar} title={percent(remaining)}>
                      <div
                        className={s.fill}
                        style={{
                          width: `${Math.max(0, Math.min(1, remaining ?? 0)) * 100}%`,
                          background: health.color,
                        }}
                      />
                    </div>
                    <span data-testid="slo-budget">{percent(remaining)}</span>
                  </td>
                  <td>{exhaustionText(x)}</td>
                  <td>{firingTiers(x).join(', ') || '—'}</td>
                  <td>
                    <Badge color={health.color} text={health.text} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  filter: css({
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
    select: {
      background: theme.colors.background.canvas,
      color: theme.colors.text.primary,
      border: `1px solid ${theme.colors.border.medium}`,
      padding: theme.spacing(0.5),
    },
  }),
  table: css({
    width: '100%',
    marginTop: theme.spacing(2),
    'th, td': {
      padding: theme.spacing(0.75, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  bar: css({
    height: 6,
    width: 120,
    background: theme.colors.background.secondary,
    borderRadius: 3,
    overflow: 'hidden',
  }),
  fill: css({ height: '100%' }),
  link: css({ color: theme.colors.text.link }),
  muted: css({ color: theme.colors.text.secondary }),
});
