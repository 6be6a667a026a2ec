// One SLO: budget remaining and burn rate per window over time (Grafana's own plots), the numbers with
// their working (windows, tiers), the time to exhaustion, the generated Prometheus rules, the runbook.
import type { RunbookSummary, SloRules, SloSeries, SloStatus } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, ClipboardButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { useEffect, useState } from 'react';
import { APP_ID, type BallastApi, type Slo } from '../../api/ballast';
import { FigureCell } from '../../components/slo/FigureCell';
import { SloPlot } from '../../components/slo/SloPlot';
import {
  HEALTH,
  budgetFrame,
  burnFrame,
  exhaustionText,
  percent,
  sloHealth,
  stepFor,
} from '../../components/slo/sloView';

interface Props {
  api: BallastApi;
  id: string;
  /** Hours plotted, up to now. */
  hours?: number;
}

interface Detail {
  slo: Slo;
  status: SloStatus;
  series: SloSeries;
  /** Or why there are none (a pushed SLI has no Prometheus series to write rules for). */
  rules: SloRules | Error;
  runbooks: RunbookSummary[];
}

type Load = { state: 'loading' } | { state: 'done'; d: Detail } | { state: 'error'; error: Error };

export function SloDetail({ api, id, hours = 24 }: Props) {
  const s = useStyles2(getStyles);
  const [{ from, to }] = useState(() => ({ from: Date.now() - hours * 3600_000, to: Date.now() }));
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), step: stepFor(from, to) };
    Promise.all([
      api.request<Slo>('GET', `/slos/${encodeURIComponent(id)}`, undefined, ac.signal),
      api.sloStatus(id, ac.signal),
      api.sloSeries(id, range, ac.signal),
      api.sloRules(id, ac.signal).catch((err: Error) => err),
      api.runbooks({ slo: id }, ac.signal).catch(() => ({ runbooks: [], problems: [] })),
    ]).then(
      ([slo, status, series, rules, rb]) =>
        !ac.signal.aborted && setLoad({ state: 'done', d: { slo, status, series, rules, runbooks: rb.runbooks } }),
      (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ac.abort();
  }, [api, id, from, to]);

  if (load.state === 'loading') return <LoadingPlaceholder text={`Loading ${id}…`} />;
  if (load.state === 'error')
    return (
      <Alert severity="error" title={`Could not read SLO ${id}`}>
        {load.error.message}
      </Alert>
    );
  const { slo, status, series, rules, runbooks } = load.d;
  const health = HEALTH[sloHealth(status)];
  return (
    <article className={s.page} data-testid="slo-detail">
      <header className={s.header}>
        <h3 className={s.h}>
          {slo.name} <span className={s.muted}>· {slo.service}</span>
        </h3>
        <Badge color={health.color} text={health.text} />
      </header>
      {slo.description && <p>{slo.description}</p>}
      <dl className={s.summary}>
        <dt>Objective</dt>
        <dd>
          {percent(slo.objective, 2)} over {status.period.description}
        </dd>
        <dt>Budget remaining</dt>
        <dd data-testid="slo-budget-remaining">{percent(status.budgetRemaining.value, 2)}</dd>
        <dt>Exhausted in</dt>
        <dd data-testid="slo-exhaustion">{exhaustionText(status)}</dd>
        <dt>Runbook</dt>
        <dd>
          {runbooks.length > 0 ? (
            runbooks.map((r) => (
              <a
                key={r.id}
                className={s.link}
                href={`/a/${APP_ID}/runbooks/${encodeURIComponent(r.id)}`}
                data-testid="slo-runbook"
              >
                {r.title}
                {r.stale ? ' (review overdue)' : ''}
              </a>
            ))
          ) : slo.runbookUrl ? (
            <a className={s.link} href={slo.runbookUrl} target="_blank" rel="noreferrer" data-testid="slo-runbook">
              {slo.runbookUrl}
            </a>
          ) : (
            <span className={s.muted}>none lists this SLO</span>
          )}
        </dd>
      </dl>

      <div className={s.plots}>
        <SloPlot label="Budget remaining" frame={budgetFrame(series)} from={from} to={to} height={220} />
        <SloPlot
          label="Burn rate per window"
          frame={burnFrame(series)}
          from={from}
          to={to}
          height={220}
          legend="right"
        />
      </div>

      <h4>Budget</h4>
      <table className={s.table} data-testid="slo-budget-table">
        <tbody>
          <tr>
            <th>error budget</th>
            <td>
              <FigureCell figure={status.errorBudget} />
            </td>
          </tr>
          <tr>
            <th>budget remaining</th>
            <td>
              <FigureCell figure={status.budgetRemaining} testId="figure-budget-remaining" />
            </td>
          </tr>
          <tr>
            <th>time to exhaustion (s)</th>
            <td>
              <FigureCell figure={status.timeToExhaustion} />
            </td>
          </tr>
        </tbody>
      </table>

      <h4>Windows</h4>
      <table className={s.table} data-testid="slo-windows">
        <thead>
          <tr>
            <th>window</th>
            <th>good / total</th>
            <th>error ratio</th>
            <th>burn rate</th>
            <th>source</th>
          </tr>
        </thead>
        <tbody>
          {status.windows.map((w) => (
            <tr key={w.window} data-window={w.window}>
              <td>{w.window}</td>
              <td>
                {w.good ?? '—'} / {w.total ?? '—'}
              </td>
              <td>
                <FigureCell figure={w.errorRatio} />
              </td>
              <td>
                <FigureCell figure={w.burnRate} testId={`burn-${w.window}`} />
              </td>
              <td className={s.muted}>{w.source}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h4>Alert tiers</h4>
      <table className={s.table} data-testid="slo-tiers">
        <thead>
          <tr>
            <th>tier</th>
            <th>windows</th>
            <th>burn-rate factor</th>
            <th>error-ratio threshold</th>
            <th>state</th>
          </tr>
        </thead>
        <tbody>
          {status.tiers.map((t) => (
            <tr key={t.name} data-tier={t.name}>
              <td>
                {t.name}
                <div className={s.muted}>{t.severity}</div>
              </td>
              <td>
                {t.longWindow} and {t.shortWindow}
              </td>
              <td>
                <FigureCell figure={t.factor} testId={`factor-${t.name}`} />
              </td>
              <td>
                <FigureCell figure={t.threshold} testId={`threshold-${t.name}`} />
              </td>
              <td>
                <Badge
                  color={!t.enabled ? 'blue' : t.firing ? 'red' : 'green'}
                  text={!t.enabled ? 'disabled' : t.firing ? 'firing' : t.guarded ? 'held back (traffic)' : 'ok'}
                  data-testid={`tier-state-${t.name}`}
                />
                <div className={s.muted}>{t.reason}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h4>
        Prometheus rules{' '}
        {!(rules instanceof Error) && (
          <ClipboardButton size="sm" variant="secondary" icon="copy" getText={() => rules.yaml}>
            Copy rules
          </ClipboardButton>
        )}
      </h4>
      {rules instanceof Error ? (
        <p className={s.muted} data-testid="slo-rules-none">
          {rules.message}
        </p>
      ) : (
        <pre className={s.rules} data-testid="slo-rules">
          {rules.yaml}
        </pre>
      )}
    </article>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  header: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  h: css({ margin: 0 }),
  summary: css({ display: 'grid', gridTemplateColumns: '140px 1fr', gap: theme.spacing(0.5, 1) }),
  plots: css({ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: theme.spacing(2) }),
  table: css({
    width: '100%',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
      verticalAlign: 'top',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  rules: css({ maxHeight: 360, overflow: 'auto', fontSize: theme.typography.bodySmall.fontSize }),
  link: css({ color: theme.colors.text.link, marginRight: theme.spacing(1) }),
  muted: css({ color: theme.colors.text.secondary }),
});
