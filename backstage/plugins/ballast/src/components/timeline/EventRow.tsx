import React, { useState } from 'react';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, Chip, Typography } from '@material-ui/core';
import type { ContextResult, Event } from '@ballast/contract';
import { ballastApiRef } from '../../api/BallastApi';
import { duration, KIND_LABEL, relative } from '../format';

const RELATION = { same_service: 'this service', dependency: 'a dependency', environment: 'the environment' };

/** "What changed before this": deploys, flag and config changes before an incident or alert. */
function ChangesBefore(props: { event: Event }) {
  const api = useApi(ballastApiRef);
  const [context, setContext] = useState<ContextResult | Error | 'loading'>();
  if (context === undefined)
    return (
      <Button
        size="small"
        onClick={() => {
          setContext('loading');
          api.eventContext(props.event.id).then(setContext, (e: Error) => setContext(e));
        }}
      >
        Changes before this
      </Button>
    );
  if (context === 'loading') return <Typography variant="caption">Looking for changes…</Typography>;
  if (context instanceof Error)
    return (
      <Typography role="alert" variant="caption" color="error">
        {context.message}
      </Typography>
    );
  return (
    <Box ml={2} mt={0.5} data-testid="ballast-context">
      <Typography variant="caption" color="textSecondary">
        Changes in the 2 h before this
      </Typography>
      {context.changes.length === 0 ? (
        <Typography variant="body2">None: no deploy, flag or config change.</Typography>
      ) : (
        context.changes.map((c) => (
          <Typography key={c.event.id} variant="body2" data-testid="ballast-context-change">
            {duration(c.before)} before · {KIND_LABEL[c.event.kind] ?? c.event.kind} · {c.event.title} (
            {RELATION[c.relation]}
            {c.event.service && c.relation !== 'same_service' ? `: ${c.event.service}` : ''})
          </Typography>
        ))
      )}
    </Box>
  );
}

export function EventRow(props: { event: Event; now: number; live?: boolean }) {
  const e = props.event;
  return (
    <Box
      py={1}
      borderBottom="1px solid rgba(128,128,128,0.2)"
      data-testid="ballast-event-row"
      data-kind={e.kind}
      data-event-id={e.id}
    >
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
        <Typography variant="caption" color="textSecondary" title={e.occurredAt} style={{ minWidth: 90 }}>
          {relative(e.occurredAt, props.now)}
        </Typography>
        <Chip size="small" label={KIND_LABEL[e.kind] ?? e.kind} />
        {e.severity !== 'info' && (
          <Chip
            size="small"
            variant="outlined"
            label={e.severity}
            color={e.severity === 'critical' ? 'secondary' : 'default'}
          />
        )}
        <Typography variant="body2">
          <strong>{e.title}</strong>
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {[e.environment, e.source, e.status, e.actor.name ?? e.actor.id].filter(Boolean).join(' · ')}
        </Typography>
        {props.live && <Chip size="small" color="primary" label="new" />}
        {e.links.map((l) => (
          <Link key={l.url} to={l.url}>
            {l.text ?? l.rel}
          </Link>
        ))}
      </Box>
      {(e.kind === 'incident' || e.kind === 'alert') && <ChangesBefore event={e} />}
    </Box>
  );
}
