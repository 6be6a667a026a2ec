// Runbooks: search and filter by service, staleness shown, and one runbook read as the server rendered
// and sanitized it.
import type { Runbook, RunbookList } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, Input, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { useState } from 'react';
import type { BallastApi } from '../../api/ballast';
import { useLoad } from '../../components/useLoad';

export interface RunbookFilters {
  q?: string;
  service?: string;
}

interface Props {
  api: BallastApi;
  filters: RunbookFilters;
  onFiltersChange: (f: RunbookFilters) => void;
  selected?: string;
  onOpen: (id: string) => void;
}

export function RunbooksPage({ api, filters, onFiltersChange, selected, onOpen }: Props) {
  const s = useStyles2(getStyles);
  const [q, setQ] = useState(filters.q ?? '');
  const [service, setService] = useState(filters.service ?? '');
  const list = useLoad<RunbookList>(
    (signal) =>
      api.runbooks(
        { ...(filters.q ? { q: filters.q } : {}), ...(filters.service ? { service: filters.service } : {}) },
        signal,
      ),
    [api, filters.q, filters.service],
  );
  const runbook = useLoad<Runbook | null>(
    (signal) => (selected ? api.runbookById(selected, signal) : Promise.resolve(null)),
    [api, selected],
  );
  return (
    <div className={s.page}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onFiltersChange({ q: q.trim() || undefined, service: service.trim() || undefined });
        }}
      >
        <Stack direction="row" gap={1}>
          <Input
            aria-label="Search runbooks"
            placeholder="Search title, tags and text"
            width={40}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
          />
          <Input
            aria-label="Service"
            placeholder="service"
            width={20}
            value={service}
            onChange={(e) => setService(e.currentTarget.value)}
          />
          <Button type="submit">Search</Button>
        </Stack>
      </form>
      <div className={s.columns}>
        <div className={s.list}>
          {list.state === 'loading' && <LoadingPlaceholder text="Loading runbooks…" />}
          {list.state === 'error' && (
            <Alert severity="error" title="Ballast could not be read">
              {list.error.message}
            </Alert>
          )}
          {list.state === 'done' && list.value.runbooks.length === 0 && (
            <p className={s.muted} data-testid="runbooks-empty">
              No runbook matches{filters.q ? ` “${filters.q}”` : ''}
              {filters.service ? ` for ${filters.service}` : ''}.
            </p>
          )}
          {list.state === 'done' && list.value.runbooks.length > 0 && (
            <ul className={s.items} data-testid="runbook-list">
              {list.value.runbooks.map((r) => (
                <li key={r.id} data-testid="runbook-row" className={r.id === selected ? s.active : undefined}>
                  <a
                    className={s.link}
                    href={`#${r.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      onOpen(r.id);
                    }}
                  >
                    {r.title}
                  </a>{' '}
                  {r.stale && <Badge color="orange" text="review overdue" icon="exclamation-triangle" />}
                  <div className={s.muted}>
                    {r.services.length ? r.services.join(', ') : 'any service'}
                    {r.severity ? ` · ${r.severity}` : ''}
                    {r.owner ? ` · ${r.owner}` : ''}
                    {r.reviewDue ? ` · review due ${r.reviewDue.slice(0, 10)}` : ''}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {list.state === 'done' && list.value.problems.length > 0 && (
            <Alert severity="warning" title={`${list.value.problems.length} runbook files were skipped`}>
              {list.value.problems.map((p) => `${p.path} (${p.field}): ${p.message}`).join('; ')}
            </Alert>
          )}
        </div>
        <div className={s.reader}>
          {!selected && <p className={s.muted}>Pick a runbook to read it.</p>}
          {selected && runbook.state === 'loading' && <LoadingPlaceholder text="Loading the runbook…" />}
          {selected && runbook.state === 'error' && (
            <Alert severity="error" title={`Could not load runbook ${selected}`}>
              {runbook.error.message}
            </Alert>
          )}
          {runbook.state === 'done' && runbook.value && (
            <article aria-label={`Runbook ${runbook.value.title}`} data-testid="runbook-view">
              <h3>{runbook.value.title}</h3>
              {runbook.value.stale && (
                <Alert severity="warning" title="Review overdue">
                  Last reviewed {runbook.value.frontmatter.last_reviewed}, to be reviewed every{' '}
                  {runbook.value.frontmatter.review_every}: check it still holds before you follow it.
                </Alert>
              )}
              <p className={s.muted}>
                {runbook.value.services.length ? runbook.value.services.join(', ') : 'any service'}
                {runbook.value.owner ? ` · owner ${runbook.value.owner}` : ''}
                {runbook.value.frontmatter.escalation ? ` · escalation: ${runbook.value.frontmatter.escalation}` : ''}
              </p>
              {/* The server renders runbook markdown with raw HTML off and sanitizes it: safe to insert. */}
              <div className={s.body} dangerouslySetInnerHTML={{ __html: runbook.value.html }} />
            </article>
          )}
        </div>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  columns: css({ display: 'flex', gap: theme.spacing(3), alignItems: 'flex-start' }),
  list: css({ width: 420, flexShrink: 0 }),
  items: css({
    listStyle: 'none',
    padding: 0,
    li: { padding: theme.spacing(1), borderBottom: `1px solid ${theme.colors.border.weak}` },
  }),
  active: css({ background: theme.colors.action.selected }),
  reader: css({ flex: 1, minWidth: 0 }),
  body: css({ lineHeight: 1.5, 'h2, h3': { marginTop: theme.spacing(2) } }),
  link: css({ color: theme.colors.text.link }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
