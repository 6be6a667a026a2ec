/** The entity's tab: its whole Ballast timeline, searchable, with facets, the live tail and incident context. */
import React, { useEffect, useMemo, useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Button, Chip, FormControlLabel, Paper, Switch, TextField, Typography } from '@material-ui/core';
import { ballastServiceOf } from '@ballast/backstage-plugin-ballast-common';
import type { Event } from '@ballast/contract';
import { ballastApiRef } from '../../api/BallastApi';
import { errorText } from '../card/BallastCard';
import { useLoad } from '../useLoad';
import { useNow } from '../useNow';
import { useThrottledCall } from '../useThrottledCall';
import { EventRow } from './EventRow';
import { FACET_DAYS, FACETS, facetQuery, facetValues, merge, NO_FILTERS, toggle, type Filters } from './facets';
import { useLiveTail } from './useLiveTail';

const PAGE = 50;
/** At most how often the facet counts are asked for again while events arrive on the live tail. */
const RECOUNT_MS = 10_000;

export function BallastContent() {
  const { entity } = useEntity();
  const api = useApi(ballastApiRef);
  const service = ballastServiceOf(entity);
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [live, setLive] = useState(false);
  // Pages after the first; cursor undefined until one was read.
  const [older, setOlder] = useState<{ events: Event[]; cursor?: string | null }>({ events: [] });
  const query = useMemo(() => ({ service: [service], ...(q && { q }), ...filters }), [service, q, filters]);
  const [page] = useLoad(() => api.searchEvents({ ...query, limit: PAGE }), [api, query]);
  // Counted by Ballast over the last days, not over the events loaded so far.
  const [facets, recount] = useLoad(() => api.eventFacets(facetQuery(query, Date.now())), [api, query]);
  const counts = facets.status === 'done' ? facets.value : undefined;
  useEffect(() => setOlder({ events: [] }), [page]);
  const first = page.status === 'done' ? page.value : undefined;
  const { events: arrived, tail } = useLiveTail(api, query, first?.snapshotSeq, live);
  // Events arriving on the tail are counted again by Ballast (each facet also counts events the tail,
  // which has every filter, does not carry), at most every RECOUNT_MS.
  useThrottledCall(arrived.length, recount, RECOUNT_MS);
  const now = useNow(true, 30_000);
  const events = first ? merge(arrived, [...first.events, ...older.events]) : [];
  const cursor = older.cursor === undefined ? (first?.nextCursor ?? null) : older.cursor;
  const liveIds = new Set(arrived.map((e) => e.id));

  return (
    <Paper style={{ padding: 16 }} data-testid="ballast-timeline">
      <Box
        component="form"
        display="flex"
        alignItems="center"
        style={{ gap: 8 }}
        onSubmit={(e: React.FormEvent) => {
          e.preventDefault();
          setQ(draft.trim());
        }}
      >
        <TextField
          label="Search events"
          size="small"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          inputProps={{ 'aria-label': 'Search events' }}
          style={{ flex: 1 }}
        />
        <Button type="submit" variant="outlined">
          Search
        </Button>
        <FormControlLabel
          control={
            <Switch
              checked={live}
              onChange={(e) => setLive(e.target.checked)}
              inputProps={{ 'aria-label': 'Live tail' }}
            />
          }
          label="Live tail"
        />
        <Typography variant="caption" data-testid="ballast-tail-state">
          {tail.state === 'following'
            ? 'following new events'
            : tail.state === 'connecting'
              ? 'connecting…'
              : tail.state === 'reconnecting'
                ? `reconnecting… (${tail.why})`
                : tail.state === 'stopped'
                  ? `stopped: ${tail.why}`
                  : ''}
        </Typography>
      </Box>
      <Box my={1} data-testid="ballast-facets">
        <Typography variant="caption" color="textSecondary" data-testid="ballast-facets-caption">
          {facets.status === 'error'
            ? `No counts: ${errorText(facets.error)}`
            : `Counts over the last ${FACET_DAYS} days${live ? ', counted again as events arrive' : ''}`}
        </Typography>
        {FACETS.map((facet) => {
          const values = facetValues(counts, facet, filters[facet]);
          if (values.length === 0) return null;
          return (
            <Box key={facet} display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 4 }} mb={0.5}>
              <Typography variant="caption" style={{ minWidth: 90 }}>
                {facet}
              </Typography>
              {values.map(([value, count]) => (
                <Chip
                  key={value}
                  size="small"
                  clickable
                  color={filters[facet].includes(value) ? 'primary' : 'default'}
                  label={`${value} (${count})`}
                  aria-pressed={filters[facet].includes(value)}
                  onClick={() => setFilters((f) => toggle(f, facet, value))}
                />
              ))}
            </Box>
          );
        })}
      </Box>
      {page.status === 'loading' && <Progress />}
      {page.status === 'error' && (
        <Typography role="alert" color="error">
          {errorText(page.error)}
        </Typography>
      )}
      {page.status === 'done' && events.length === 0 && (
        <Typography color="textSecondary">No events for {service} match.</Typography>
      )}
      {events.map((e) => (
        <EventRow key={e.id} event={e} now={now} live={liveIds.has(e.id)} />
      ))}
      {cursor && (
        <Button
          onClick={async () => {
            const next = await api.searchEvents({ ...query, limit: PAGE, cursor });
            setOlder((o) => ({ events: [...o.events, ...next.events], cursor: next.nextCursor }));
          }}
        >
          Older events
        </Button>
      )}
    </Paper>
  );
}
