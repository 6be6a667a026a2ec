import React from 'react';
import { Chip, List, ListItem, ListItemText } from '@material-ui/core';
import type { Event } from '@ballast/contract';
import { KIND_LABEL, relative } from '../format';
import { Empty, Section } from './Section';

/** The service's last deploys, flag changes and incidents. */
export function ChangesSection(props: { changes: Event[]; now: number }) {
  return (
    <Section title="Last changes" testId="ballast-changes">
      {props.changes.length === 0 ? (
        <Empty>No deploys, flag changes or incidents yet.</Empty>
      ) : (
        <List dense disablePadding>
          {props.changes.map((e) => (
            <ListItem key={e.id} disableGutters data-testid="ballast-change">
              <Chip size="small" label={KIND_LABEL[e.kind] ?? e.kind} style={{ marginRight: 8 }} />
              <ListItemText
                primary={e.title}
                secondary={[relative(e.occurredAt, props.now), e.environment, e.actor.name ?? e.actor.id]
                  .filter(Boolean)
                  .join(' · ')}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Section>
  );
}
