import React from 'react';
import { Link } from '@backstage/core-components';
import { List, ListItem, ListItemText } from '@material-ui/core';
import type { CatalogServiceDetail } from '@ballast/contract';
import { duration } from '../format';
import { Empty, Section } from './Section';

/** Who is on call now, as Ballast answers it (PagerDuty live, or the static rotation). */
export function OnCallSection(props: { catalog: CatalogServiceDetail | null; now: number }) {
  const onCall = props.catalog?.onCallNow;
  const people = onCall?.people ?? [];
  return (
    <Section title="On call now" testId="ballast-oncall">
      {people.length === 0 ? (
        <Empty>{props.catalog ? 'Nobody on call is configured in Ballast.' : 'No catalog entry in Ballast.'}</Empty>
      ) : (
        <List dense disablePadding>
          {people.map((p) => {
            const contact = p.url ?? (p.email ? `mailto:${p.email}` : undefined);
            const until = p.until ? `${duration(Date.parse(p.until) - props.now)} left on shift` : undefined;
            return (
              <ListItem key={`${p.level}-${p.name}`} disableGutters>
                <ListItemText
                  primary={contact ? <Link to={contact}>{p.name}</Link> : p.name}
                  secondary={[
                    p.level > 1 ? `level ${p.level}` : undefined,
                    until,
                    onCall?.source === 'pagerduty' ? 'PagerDuty' : 'rotation',
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                />
              </ListItem>
            );
          })}
        </List>
      )}
      {onCall?.fallbackReason && <Empty>PagerDuty did not answer: {onCall.fallbackReason}</Empty>}
    </Section>
  );
}
