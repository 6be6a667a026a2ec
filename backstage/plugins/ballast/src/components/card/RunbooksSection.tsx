import React from 'react';
import { Link } from '@backstage/core-components';
import type { Entity } from '@backstage/catalog-model';
import { Chip, List, ListItem, ListItemText } from '@material-ui/core';
import type { RunbookSummary } from '@ballast/contract';
import { reviewState } from '../format';
import { Empty, Section } from './Section';

/**
 * The service's runbooks, stale ones marked. A runbook links where the catalog module linked it on the
 * entity (`type: runbook`), when it did.
 */
export function RunbooksSection(props: { runbooks: RunbookSummary[]; entity: Entity }) {
  const links = (props.entity.metadata.links ?? []).filter((l) => l.type === 'runbook');
  const urlOf = (r: RunbookSummary) =>
    links.find((l) => l.url.endsWith(`/${encodeURIComponent(r.id)}`) || l.title === `Runbook: ${r.title}`)?.url;
  return (
    <Section title="Runbooks" testId="ballast-runbooks">
      {props.runbooks.length === 0 ? (
        <Empty>No runbooks for this service.</Empty>
      ) : (
        <List dense disablePadding>
          {props.runbooks.map((r) => {
            const url = urlOf(r);
            return (
              <ListItem key={r.id} disableGutters data-testid="ballast-runbook">
                <ListItemText primary={url ? <Link to={url}>{r.title}</Link> : r.title} secondary={reviewState(r)} />
                {r.stale && <Chip size="small" label="stale" color="secondary" />}
              </ListItem>
            );
          })}
        </List>
      )}
    </Section>
  );
}
