// The detail of one event: its fields and links, what changed before it, and the runbook that applies.
import type { ContextResult, Event, Runbook } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, IconButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { APP_ID, type BallastApi } from '../api/ballast';
import { useLoad } from './useLoad';

interface Props {
  api: BallastApi;
  event: Event;
  onClose: () => void;
}

const ago = (ms: number) =>
  ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 3_600_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

export function EventDrawer({ api, event, onClose }: Props) {
  const s = useStyles2(getStyles);
  const context = useLoad<ContextResult>((signal) => api.context(event.id, '2h', signal), [event.id]);
  const runbook = useLoad<Runbook | null>(
    (signal) => (event.runbook ? api.runbook(event.runbook.href, signal) : Promise.resolve(null)),
    [event.id],
  );
  return (
    <aside className={s.drawer} aria-label="Event detail" data-testid="event-drawer">
      <header className={s.header}>
        <h3 className={s.h}>{event.title}</h3>
        <IconButton name="times" aria-label="Close detail" onClick={onClose} />
      </header>
      <dl className={s.fields}>
        <dt>When</dt>
        <dd>
          {new Date(event.occurredAt).toLocaleString()}
          {event.endedAt ? ` → ${new Date(event.endedAt).toLocaleString()}` : ''}
        </dd>
        <dt>What</dt>
        <dd>
          {event.source} · {event.kind}
          {event.status ? ` · ${event.status}` : ''} · {event.severity}
        </dd>
        <dt>Where</dt>
        <dd>
          {event.service ?? '—'} {event.environment ? `· ${event.environment}` : ''}
        </dd>
        <dt>Who</dt>
        <dd>
          {event.actor.name ?? event.actor.id} {event.actor.verified ? '' : '(not verified)'}
        </dd>
      </dl>
      {event.description && <p className={s.description}>{event.description}</p>}
      {event.links.length > 0 && (
        <section>
          <h4>Links</h4>
          <ul>
            {event.links.map((l) => (
              <li key={l.url}>
                <a href={l.url} target="_blank" rel="noreferrer" className={s.link}>
                  {l.text ?? l.rel}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label="Changes before this">
        <h4>Changes before this</h4>
        {context.state === 'loading' && <LoadingPlaceholder text="Looking back two hours…" />}
        {context.state === 'error' && (
          <Alert severity="error" title="Could not load what changed before">
            {context.error.message}
          </Alert>
        )}
        {context.state === 'done' && context.value.changes.length === 0 && (
          <p>No deploys, flag or config changes in the two hours before.</p>
        )}
        {context.state === 'done' && context.value.changes.length > 0 && (
          <ul data-testid="context-changes">
            {context.value.changes.map((c) => (
              <li key={c.event.id}>
                <strong>{ago(c.before)} before</strong> · {c.event.kind} · {c.event.title}{' '}
                <span className={s.muted}>({c.relation.replace('_', ' ')})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {event.runbook && (
        <section aria-label="Runbook">
          <h4>Runbook: {event.runbook.title}</h4>
          <a className={s.link} href={`/a/${APP_ID}/runbooks/${encodeURIComponent(event.runbook.id)}`}>
            Open in Runbooks
          </a>
          {runbook.state === 'loading' && <LoadingPlaceholder text="Loading the runbook…" />}
          {runbook.state === 'error' && (
            <Alert severity="warning" title="Could not load the runbook">
              {runbook.error.message}
            </Alert>
          )}
          {runbook.state === 'done' && runbook.value && (
            // The server renders and sanitizes runbook HTML (sanitize-html); it is safe to insert.
            <div className={s.runbook} dangerouslySetInnerHTML={{ __html: runbook.value.html }} />
          )}
        </section>
      )}
    </aside>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  drawer: css({
    width: 420,
    flexShrink: 0,
    padding: theme.spacing(2),
    borderLeft: `1px solid ${theme.colors.border.medium}`,
    background: theme.colors.background.primary,
    overflowY: 'auto',
    maxHeight: 640,
  }),
  header: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: theme.spacing(1) }),
  h: css({ margin: 0 }),
  fields: css({
    display: 'grid',
    gridTemplateColumns: '60px 1fr',
    gap: theme.spacing(0.5, 1),
    margin: theme.spacing(2, 0),
  }),
  description: css({ whiteSpace: 'pre-wrap' }),
  link: css({ color: theme.colors.text.link }),
  muted: css({ color: theme.colors.text.secondary }),
  runbook: css({ fontSize: theme.typography.bodySmall.fontSize }),
});
