// A compact timeline of one service for an existing dashboard, read through the app's proxy route
// (the app holds the key), in the dashboard's time range.
import type { Event } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { APP_API_BASE, APP_ID, ballastApi, type BallastApi } from '../../api/ballast';
import { EventRow, ROW_HEIGHT } from '../../components/EventRow';
import { VirtualList } from '../../components/VirtualList';

export interface TimelinePanelOptions {
  service?: string;
  environment?: string;
  kind?: string;
  limit?: number;
}

type Props = PanelProps<TimelinePanelOptions> & { api?: BallastApi };

type Load = { state: 'loading' } | { state: 'done'; events: Event[] } | { state: 'error'; error: Error };

const list = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && s !== '$__all')
    : undefined;

export function TimelinePanel({ options, timeRange, width, height, replaceVariables, api: given }: Props) {
  const s = useStyles2(getStyles);
  const api = useMemo(() => given ?? ballastApi(APP_API_BASE), [given]);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const r = (v?: string) => (v ? (replaceVariables?.(v) ?? getTemplateSrv().replace(v)) : v);
  const service = r(options.service);
  const environment = r(options.environment);
  const kind = r(options.kind);
  const from = timeRange.from.toISOString();
  const to = timeRange.to.toISOString();
  useEffect(() => {
    const ac = new AbortController();
    setLoad({ state: 'loading' });
    api
      .search(
        {
          service: list(service),
          environment: list(environment),
          kind: list(kind) as never,
          from,
          to,
          limit: Math.min(options.limit ?? 50, 500),
        },
        ac.signal,
      )
      .then(
        (page) => !ac.signal.aborted && setLoad({ state: 'done', events: page.events }),
        (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
      );
    return () => ac.abort();
  }, [api, service, environment, kind, from, to, options.limit]);

  const timelineLink = `/a/${APP_ID}/timeline?${new URLSearchParams({
    from: String(timeRange.from.valueOf()),
    to: String(timeRange.to.valueOf()),
    ...(service ? { service } : {}),
  })}`;
  return (
    <div className={s.panel} style={{ width, height }} data-testid="ballast-timeline-panel">
      {load.state === 'loading' && <LoadingPlaceholder text="Loading events…" />}
      {load.state === 'error' && (
        <Alert severity="error" title="Ballast could not be read">
          {load.error.message}
        </Alert>
      )}
      {load.state === 'done' && load.events.length === 0 && (
        <div className={s.empty}>No changes{service ? ` for ${service}` : ''} in this time range.</div>
      )}
      {load.state === 'done' && load.events.length > 0 && (
        <VirtualList
          items={load.events}
          rowHeight={ROW_HEIGHT}
          height={Math.max(ROW_HEIGHT, height - 24)}
          renderRow={(e, _i, style) => (
            <EventRow
              key={e.id}
              event={e}
              from={timeRange.from.valueOf()}
              to={timeRange.to.valueOf()}
              style={style}
              compact
              onSelect={() => window.open(`${timelineLink}`, '_self')}
            />
          )}
        />
      )}
      <a className={s.more} href={timelineLink}>
        Open in the Ballast timeline
      </a>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  empty: css({ padding: theme.spacing(2), color: theme.colors.text.secondary, textAlign: 'center' }),
  more: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.link, marginTop: 'auto' }),
});
