import type { Event } from '@ballast/contract';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export const ROW_HEIGHT = 44;

interface Props {
  event: Event;
  /** The visible window, epoch ms: ranges are drawn as bars across it. */
  from: number;
  to: number;
  selected?: boolean;
  fresh?: boolean;
  onSelect?: (event: Event) => void;
  style?: React.CSSProperties;
  /** For narrow panels: time, kind, title and the bar; no service column. */
  compact?: boolean;
}

const clamp = (v: number) => Math.max(0, Math.min(100, v));

export function EventRow({ event, from, to, selected, fresh, onSelect, style, compact }: Props) {
  const s = useStyles2(getStyles);
  const start = Date.parse(event.occurredAt);
  const end = event.endedAt ? Date.parse(event.endedAt) : undefined;
  const span = Math.max(1, to - from);
  const left = clamp(((start - from) / span) * 100);
  const width = end !== undefined ? Math.max(0.5, clamp(((end - from) / span) * 100) - left) : 0;
  return (
    <div
      role="row"
      aria-selected={selected}
      data-testid="event-row"
      data-seq={event.seq}
      className={cx(s.row, compact && s.compact, selected && s.selected, fresh && s.fresh)}
      style={style}
      onClick={() => onSelect?.(event)}
    >
      <span className={cx(s.sev, s[event.severity])} title={event.severity} />
      <span className={s.time}>
        {compact ? new Date(start).toLocaleTimeString() : new Date(start).toLocaleString()}
      </span>
      <span className={s.kind}>{event.kind}</span>
      <span className={s.title} title={event.title}>
        {event.title}
      </span>
      {!compact && (
        <span className={s.service}>
          {event.service ?? '—'}
          {event.environment ? ` · ${event.environment}` : ''}
        </span>
      )}
      <span className={s.track} aria-label={end !== undefined ? 'range' : 'point'}>
        {end !== undefined ? (
          <span data-testid="range-bar" className={s.bar} style={{ left: `${left}%`, width: `${width}%` }} />
        ) : (
          <span className={s.tick} style={{ left: `${left}%` }} />
        )}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    display: 'grid',
    gridTemplateColumns: '6px 170px 110px minmax(120px, 1fr) 180px 160px',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: ROW_HEIGHT,
    padding: theme.spacing(0, 1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
  }),
  compact: css({ gridTemplateColumns: '6px 120px 90px minmax(80px, 1fr) 80px' }),
  selected: css({ background: theme.colors.action.selected }),
  fresh: css({ boxShadow: `inset 3px 0 0 ${theme.colors.primary.main}` }),
  sev: css({ width: 6, height: 28, borderRadius: 3 }),
  critical: css({ background: theme.colors.error.main }),
  high: css({ background: theme.colors.warning.main }),
  warning: css({ background: theme.colors.warning.shade }),
  info: css({ background: theme.colors.info.main }),
  time: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  kind: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  title: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  service: css({ color: theme.colors.text.secondary, overflow: 'hidden', whiteSpace: 'nowrap' }),
  track: css({ position: 'relative', height: 8, background: theme.colors.background.secondary, borderRadius: 4 }),
  bar: css({ position: 'absolute', top: 0, height: 8, borderRadius: 4, background: theme.colors.primary.main }),
  tick: css({ position: 'absolute', top: -2, width: 2, height: 12, background: theme.colors.text.primary }),
});
