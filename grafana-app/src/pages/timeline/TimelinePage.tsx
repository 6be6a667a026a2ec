// The timeline: search and facets, the window from the URL (as Grafana's time picker keeps it), a
// virtual list that pages as it scrolls, the live tail, and the detail of one event.
import type { Event, FacetCounts, FacetQueryInput } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2, TimeRange } from '@grafana/data';
import { Alert, Button, Input, LoadingPlaceholder, Switch, TimeRangePicker, useStyles2 } from '@grafana/ui';
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { BallastApi } from '../../api/ballast';
import { EventDrawer } from '../../components/EventDrawer';
import { EventRow, ROW_HEIGHT } from '../../components/EventRow';
import { RangeStrip } from '../../components/RangeStrip';
import { resolveWindow, type RawWindow } from '../../components/timeWindow';
import { useTimeline, type TimelineFilters } from '../../components/useTimeline';
import { VirtualList } from '../../components/VirtualList';

export interface TimelinePageProps {
  api: BallastApi;
  window: RawWindow;
  onWindowChange: (w: RawWindow) => void;
  initialFilters?: TimelineFilters;
  onFiltersChange?: (f: TimelineFilters) => void;
  listHeight?: number;
}

const FACETS = ['service', 'environment', 'source', 'kind', 'severity'] as const;
type Facet = (typeof FACETS)[number];

const TAIL_TEXT = {
  connecting: 'connecting…',
  live: 'following new events',
  reconnecting: 'reconnecting…',
  stopped: 'stopped',
} as const;

/** A picked range back into URL form: relative ranges stay relative (now-6h), absolute ones become epoch ms. */
const toRaw = (t: TimeRange): RawWindow => ({
  from: typeof t.raw.from === 'string' ? t.raw.from : String(t.from.valueOf()),
  to: typeof t.raw.to === 'string' ? t.raw.to : String(t.to.valueOf()),
});

export function TimelinePage({
  api,
  window: raw,
  onWindowChange,
  initialFilters,
  onFiltersChange,
  listHeight = 560,
}: TimelinePageProps) {
  const s = useStyles2(getStyles);
  const [text, setText] = useState(initialFilters?.q ?? '');
  const [filters, setFilters] = useState<TimelineFilters>(initialFilters ?? {});
  const [live, setLive] = useState(false);
  const [selected, setSelected] = useState<Event | undefined>();
  const range = useMemo(() => {
    try {
      return { ok: true as const, value: resolveWindow(raw) };
    } catch (err) {
      return { ok: false as const, error: err as Error };
    }
  }, [raw]);
  const iso = range.ok
    ? { from: range.value.from.toISOString(), to: range.value.to.toISOString() }
    : { from: new Date(0).toISOString(), to: new Date().toISOString() };
  const timeline = useTimeline(api, filters, iso, live);
  const fromMs = range.ok ? range.value.from.valueOf() : 0;
  const toMs = range.ok ? range.value.to.valueOf() : Date.now();
  const shift = (by: number) => {
    const d = (toMs - fromMs) * by;
    onWindowChange({ from: String(Math.round(fromMs + d)), to: String(Math.round(toMs + d)) });
  };

  const update = (next: TimelineFilters) => {
    setFilters(next);
    onFiltersChange?.(next);
  };
  const toggle = useCallback(
    (facet: Facet, value: string) => {
      const current = filters[facet] ?? [];
      const values = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
      const next = { ...filters, [facet]: values.length ? values : undefined };
      setFilters(next);
      onFiltersChange?.(next);
    },
    [filters, onFiltersChange],
  );

  return (
    <div className={s.page}>
      <form
        className={s.toolbar}
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          update({ ...filters, q: text.trim() || undefined });
        }}
      >
        <Input
          aria-label="Search events"
          placeholder="Search titles and descriptions, e.g. rollback"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          width={48}
        />
        <Button type="submit">Search</Button>
        {range.ok && (
          <TimeRangePicker
            value={range.value}
            onChange={(t) => onWindowChange(toRaw(t))}
            onChangeTimeZone={() => {}}
            onMoveBackward={() => shift(-0.5)}
            onMoveForward={() => shift(0.5)}
            onZoom={() =>
              onWindowChange({ from: String(fromMs - (toMs - fromMs) / 2), to: String(toMs + (toMs - fromMs) / 2) })
            }
          />
        )}
        <label className={s.live}>
          <Switch value={live} onChange={() => setLive(!live)} aria-label="Live tail" />
          Live {live && <span data-testid="tail-state">{TAIL_TEXT[timeline.tail]}</span>}
        </label>
      </form>
      {!range.ok && <Alert title="The time range in the URL is not valid">{range.error.message}</Alert>}
      {live && timeline.tail === 'stopped' && timeline.tailError && (
        <Alert severity="warning" title="The live tail stopped">
          {timeline.tailError.message}
        </Alert>
      )}
      <div className={s.body}>
        <FacetList
          api={api}
          filters={filters}
          from={iso.from}
          to={iso.to}
          enabled={range.ok}
          events={timeline.events}
          onToggle={toggle}
        />
        <main className={s.main}>
          {range.ok && timeline.status !== 'error' && (
            <RangeStrip api={api} filters={filters} from={iso.from} to={iso.to} />
          )}
          {timeline.status === 'loading' && <LoadingPlaceholder text="Loading events…" />}
          {timeline.status === 'error' && (
            <Alert severity="error" title="Ballast could not be read">
              {timeline.error?.message}
            </Alert>
          )}
          {timeline.status === 'ready' && timeline.events.length === 0 && (
            <div className={s.empty} data-testid="timeline-empty">
              <h4>No events in this window</h4>
              <p>Widen the time window or clear filters; new events show here when the live tail is on.</p>
            </div>
          )}
          {timeline.status === 'ready' && timeline.events.length > 0 && (
            <>
              <div className={s.count} aria-live="polite">
                {timeline.events.length} events{timeline.hasMore ? ' (scroll for older)' : ''}
                {timeline.loadingMore ? ' · loading older…' : ''}
              </div>
              <VirtualList
                items={timeline.events}
                rowHeight={ROW_HEIGHT}
                height={listHeight}
                onNearEnd={timeline.hasMore && !timeline.loadingMore ? timeline.loadMore : undefined}
                renderRow={(e, _i, style) => (
                  <EventRow
                    key={e.id}
                    event={e}
                    from={fromMs}
                    to={toMs}
                    style={style}
                    selected={selected?.id === e.id}
                    fresh={timeline.fresh.has(e.seq)}
                    onSelect={setSelected}
                  />
                )}
              />
            </>
          )}
        </main>
        {selected && <EventDrawer api={api} event={selected} onClose={() => setSelected(undefined)} />}
      </div>
    </div>
  );
}

interface FacetListProps {
  api: BallastApi;
  filters: TimelineFilters;
  from: string;
  to: string;
  enabled: boolean;
  events: Event[];
  onToggle: (facet: Facet, value: string) => void;
}

/**
 * Facet counts from the server over the whole window (each facet without its own filter, so the other
 * values stay there to switch to); until they arrive, or if they cannot be read, counts over the events
 * loaded so far. The values already chosen are always listed. Its own component, so that the counts
 * arriving re-render the list of facets only, not the events beside it.
 */
const FacetList = memo(function FacetList({ api, filters, from, to, enabled, events, onToggle }: FacetListProps) {
  const s = useStyles2(getStyles);
  const [counted, setCounted] = useState<FacetCounts | undefined>();
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    setCounted(undefined);
    api
      .facets({ ...filters, from, to, facet: [...FACETS], size: 20 } as FacetQueryInput, abort.signal)
      .then(setCounted, () => setCounted(undefined));
    return () => abort.abort();
  }, [api, filters, from, to, enabled]);
  const facets = useMemo(() => {
    const out = {} as Record<Facet, Map<string, number>>;
    for (const f of FACETS) {
      out[f] = new Map((filters[f] ?? []).map((v) => [v, 0]));
      if (counted) {
        for (const { value, count } of counted.facets[f] ?? []) out[f].set(value, count);
        continue;
      }
      for (const e of events) {
        const v = e[f];
        if (v) out[f].set(v, (out[f].get(v) ?? 0) + 1);
      }
    }
    return out;
  }, [events, filters, counted]);
  return (
    <nav className={s.facets} aria-label="Facets">
      {FACETS.map((f) => (
        <section key={f} aria-label={`Facet ${f}`}>
          <h5 className={s.facetTitle}>{f}</h5>
          {facets[f].size === 0 && <span className={s.muted}>—</span>}
          {[...facets[f]].map(([value, count]) => (
            <label key={value} className={s.facetValue}>
              <input
                type="checkbox"
                checked={filters[f]?.includes(value) ?? false}
                onChange={() => onToggle(f, value)}
              />
              {value} <span className={s.muted}>{count}</span>
            </label>
          ))}
        </section>
      ))}
    </nav>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  toolbar: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap' }),
  live: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', marginLeft: 'auto' }),
  body: css({ display: 'flex', gap: theme.spacing(2), alignItems: 'flex-start' }),
  facets: css({ width: 200, flexShrink: 0, display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  facetTitle: css({ textTransform: 'capitalize', margin: 0 }),
  facetValue: css({
    display: 'flex',
    gap: theme.spacing(0.5),
    alignItems: 'center',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  main: css({ flex: 1, minWidth: 0 }),
  count: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(1) }),
  empty: css({ padding: theme.spacing(4), textAlign: 'center', color: theme.colors.text.secondary }),
  muted: css({ color: theme.colors.text.secondary }),
});
