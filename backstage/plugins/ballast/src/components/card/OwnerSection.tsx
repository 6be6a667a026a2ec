/** The owner as Backstage's catalog has it: `spec.owner` resolved to the group, with its links. */
import React from 'react';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import { Box, Typography } from '@material-ui/core';
import { useLoad } from '../useLoad';
import { Empty, Section } from './Section';

export function OwnerSection(props: { entity: Entity }) {
  const catalogApi = useApi(catalogApiRef);
  const owner = props.entity.spec?.owner;
  const ref =
    typeof owner === 'string' && owner
      ? parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: props.entity.metadata.namespace ?? 'default' })
      : undefined;
  const [group] = useLoad(
    async () => (ref ? ((await catalogApi.getEntityByRef(ref)) ?? null) : null),
    [catalogApi, ref?.kind, ref?.namespace, ref?.name],
  );
  if (!ref)
    return (
      <Section title="Owner" testId="ballast-owner">
        <Empty>No owner in the catalog (spec.owner).</Empty>
      </Section>
    );
  const found = group.status === 'done' ? group.value : null;
  const profile = (found?.spec?.profile ?? {}) as { displayName?: string; email?: string };
  return (
    <Section title="Owner" testId="ballast-owner">
      <Typography variant="body1">
        <EntityRefLink entityRef={ref} title={profile.displayName} />
      </Typography>
      {group.status === 'done' && !found && <Empty>Not found in the catalog.</Empty>}
      <Box display="flex" flexWrap="wrap" style={{ gap: 12 }}>
        {profile.email && <Link to={`mailto:${profile.email}`}>{profile.email}</Link>}
        {(found?.metadata.links ?? []).map((link) => (
          <Link key={link.url} to={link.url}>
            {link.title ?? link.url}
          </Link>
        ))}
      </Box>
    </Section>
  );
}
