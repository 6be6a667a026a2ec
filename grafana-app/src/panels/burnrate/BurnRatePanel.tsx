// One SLO on an existing dashboard: budget remaining, burn rate per window (now, and over the
// dashboard's range when the panel is tall enough), which alert tiers fire, and a link to its detail.
import type { SloSeries, SloStatus } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { Alert, Badge, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { APP_API_BASE, APP_ID, ballastApi, type BallastApi } from '../../api/ballast';
import { SloPlot } from '../../components/slo/SloPlot';
import { HEALTH, burnFrame, exhaustionText, percent, ratio, sloHealth, stepFor } from '../../components/slo/sloView';

export interface BurnRatePanelOptions {
  sloId?: string;
}

type Props = PanelProps<BurnRatePanelOptions> & { api?: BallastApi };

type Load =
  | { state: 'loading' }
  | { state: 'done'; status: SloStatus; series: SloSeries | null }
  | { state: 'error'; error: Error };

export function BurnRatePanel({ options, timeRange, width, height, replaceVariables, api: given }: Props) {
  const s = useStyles2(getStyles);
  const api = useMemo(() => given ?? ballastApi(APP_API_BASE), [given]);
  const id = options.sloId ? (replaceVariables?.(options.sloId) ?? options.sloId) : undefined;
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const plot = height >= 260;
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    if (!id) return;
    const ac = new AbortController();
    setLoad({ state: 'loading' });
    const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), step: stepFor(from, to) };
    Promise.all([
      api.sloStatus(id, ac.signal),
      plot ? api.sloSeries(id, range, ac.signal) : Promise.resolve(null),
    ]).then(
      ([status, series]) => !ac.signal.aborted && setLoad({ state: 'done', status, series }),
      (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ac.abort();
  }, [api, id, from, to, plot]);

  if (!id)
    return (
      <Alert severity="info" title="Pick an SLO">
        Choose the SLO in the panel editor (Options → SLO).
      </Alert>
    );
  return (
    <div className={s.panel} style={{ width, height }} data-testid="ballast-burnrate-panel">
      {load.state === 'loading' && <LoadingPlaceholder text="Loading the SLO…" />}
      {load.state === 'error' && (
        <Alert severity="error" title={`Could not read SLO ${id}`}>
          {load.error.message}
        </Alert>
      )}
      {load.state === 'done' && (
        <>
          <div className={s.top}>
            <div>
              <div className={s.big} data-testid="panel-budget-remaining">
                {percent(load.status.budgetRemaining.value)}
              </div>
              <div className={s.muted}>
                budget left · {load.status.slo.service} {load.status.slo.name} · exhausted in{' '}
                {exhaustionText(load.status)}
              </div>
            </div>
            <Badge color={HEALTH[sloHealth(load.status)].color} text={HEALTH[sloHealth(load.status)].text} />
          </div>
          <table className={s.table}>
            <thead>
              <tr>
                {load.status.windows.map((w) => (
                  <th key={w.window}>{w.window}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {load.status.windows.map((w) => (
                  <td key={w.window} data-testid={`panel-burn-${w.window}`}>
                    {ratio(w.burnRate.value)}×
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          <div className={s.tiers}>
            {load.status.tiers
              .filter((t) => t.enabled)
              .map((t) => (
                <Badge
                  key={t.name}
                  color={t.firing ? 'red' : 'green'}
                  text={`${t.name} ${t.firing ? 'firing' : 'ok'}`}
                  data-testid={`panel-tier-${t.name}`}
                />
              ))}
          </div>
          {plot && load.series && (
            <SloPlot
              label="Burn rate per window"
              frame={burnFrame(load.series)}
              from={from}
              to={to}
              height={Math.max(120, height - 170)}
            />
          )}
          <a className={s.more} href={`/a/${APP_ID}/slos/${encodeURIComponent(id)}`}>
            Open the SLO in Ballast
          </a>
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), overflow: 'hidden' }),
  top: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start' }),
  big: css({ fontSize: theme.typography.h2.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  table: css({ width: '100%', 'th, td': { textAlign: 'left', padding: theme.spacing(0.25, 1) } }),
  tiers: css({ display: 'flex', gap: theme.spacing(0.5), flexWrap: 'wrap' }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  more: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.link, marginTop: 'auto' }),
});
