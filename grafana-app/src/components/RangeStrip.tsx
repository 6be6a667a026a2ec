// Ranges in the window drawn as bars: incidents, alerts, deploys and stabilizes whose start and end
// events the server pairs (GET /v1/annotations), including ranges still open.
import type { Annotation } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { useEffect, useState } from 'react';
import type { BallastApi } from '../api/ballast';
import type { TimelineFilters } from './useTimeline';

interface Props {
  api: BallastApi;
  filters: TimelineFilters;
  from: string;
  to: string;
  maxLanes?: number;
  /** Events (and ranges begun before the window) the server reads at most; its default when unset. */
  limit?: number;
}

export function RangeStrip({ api, filters, from, to, maxLanes = 8, limit }: Props) {
  const s = useStyles2(getStyles);
  const [ranges, setRanges] = useState<Annotation[] | Error>([]);
  // The server left the oldest out (more than `limit` in the window): say so rather than look complete.
  const [truncated, setTruncated] = useState(false);
  const key = JSON.stringify([filters.service, filters.environment, filters.source, filters.kind, from, to, limit]);
  useEffect(() => {
    const ac = new AbortController();
    api
      .annotations(
        {
          service: filters.service,
          environment: filters.environment,
          source: filters.source as never,
          kind: filters.kind as never,
          from,
          to,
          limit,
        },
        ac.signal,
      )
      .then(
        (r) => {
          if (ac.signal.aborted) return;
          setRanges(r.annotations.filter((a) => a.timeEnd !== undefined));
          setTruncated(r.truncated);
        },
        (err: Error) => !ac.signal.aborted && setRanges(err),
      );
    return () => ac.abort();
    // `key` holds every input the request is built from.
  }, [api, key]);
  if (ranges instanceof Error) return <div className={s.muted}>Ranges could not be read: {ranges.message}</div>;
  const cut = truncated && (
    <div className={s.muted} data-testid="ranges-truncated">
      Older events in this window are not shown (more than the limit): narrow the time range or the filters.
    </div>
  );
  if (ranges.length === 0) return cut || null;
  const start = Date.parse(from);
  const span = Math.max(1, Date.parse(to) - start);
  const pct = (t: number) => Math.max(0, Math.min(100, ((t - start) / span) * 100));
  return (
    <section className={s.strip} aria-label="Ranges">
      {ranges.slice(0, maxLanes).map((a) => (
        <div key={a.eventIds.join()} className={s.lane} data-testid="range-lane">
          <span className={s.label} title={a.title}>
            {a.kind} · {a.title}
            {a.open ? ' (open)' : ''}
          </span>
          <span className={s.track}>
            <span
              className={a.kind === 'incident' || a.kind === 'alert' ? s.badBar : s.bar}
              style={{ left: `${pct(a.time)}%`, width: `${Math.max(0.5, pct(a.timeEnd!) - pct(a.time))}%` }}
              title={`${new Date(a.time).toLocaleString()} → ${new Date(a.timeEnd!).toLocaleString()}`}
            />
          </span>
        </div>
      ))}
      {ranges.length > maxLanes && <div className={s.muted}>and {ranges.length - maxLanes} more ranges</div>}
      {cut}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  strip: css({ display: 'flex', flexDirection: 'column', gap: 4, marginBottom: theme.spacing(2) }),
  lane: css({ display: 'grid', gridTemplateColumns: '320px 1fr', gap: theme.spacing(1), alignItems: 'center' }),
  label: css({
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  track: css({ position: 'relative', height: 10, background: theme.colors.background.secondary, borderRadius: 5 }),
  bar: css({ position: 'absolute', top: 0, height: 10, borderRadius: 5, background: theme.colors.primary.main }),
  badBar: css({ position: 'absolute', top: 0, height: 10, borderRadius: 5, background: theme.colors.error.main }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
