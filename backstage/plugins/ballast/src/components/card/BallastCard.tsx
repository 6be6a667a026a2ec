/** The reliability card on a service's page: owner, on-call, runbooks, SLOs, stabilize, last changes. */
import React from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import {
  BALLAST_SERVICE_ANNOTATION,
  ballastEnvironmentOf,
  ballastServiceOf,
  ballastStabilizeApprovePermission,
  ballastStabilizeRequestPermission,
} from '@ballast/backstage-plugin-ballast-common';
import { ballastApiRef } from '../../api/BallastApi';
import { BallastRequestError } from '../../api/BallastClient';
import { useLoad } from '../useLoad';
import { useNow } from '../useNow';
import { ChangesSection } from './ChangesSection';
import { loadOverview, notInBallast } from './loadOverview';
import { OnCallSection } from './OnCallSection';
import { OwnerSection } from './OwnerSection';
import { RunbooksSection } from './RunbooksSection';
import { SlosSection } from './SlosSection';
import { StabilizeSection } from './StabilizeSection';

export function errorText(error: Error): string {
  if (error instanceof BallastRequestError) {
    if (error.from === 'backstage' && error.code === 'forbidden')
      return `You may not read Ballast here: ${error.message}.`;
    if (error.code === 'upstream_unavailable') return 'Ballast did not answer. Try again in a moment.';
    return `${error.from === 'ballast' ? 'Ballast' : 'Backstage'} refused: ${error.message} (${error.code}).`;
  }
  return `The Ballast plugin could not load: ${error.message}`;
}

export function BallastCard() {
  const { entity } = useEntity();
  const api = useApi(ballastApiRef);
  const service = ballastServiceOf(entity);
  const environment = ballastEnvironmentOf(entity);
  const [overview, reload] = useLoad(() => loadOverview(api, service, environment), [api, service, environment]);
  const active = overview.status === 'done' && overview.value.stabilize?.stabilize?.state === 'active';
  const now = useNow(active);

  let body: React.ReactNode;
  if (overview.status === 'loading') body = <Progress />;
  else if (overview.status === 'error')
    body = (
      <Typography role="alert" color="error" data-testid="ballast-error">
        {errorText(overview.error)}
      </Typography>
    );
  else if (notInBallast(overview.value))
    body = (
      <Box data-testid="ballast-not-in-ballast">
        <Typography variant="body1">
          <strong>{service}</strong> is not in Ballast yet.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Ballast has no catalog entry, events, runbooks or SLOs for it. If the service has another name in Ballast, set
          the <code>{BALLAST_SERVICE_ANNOTATION}</code> annotation on this entity; otherwise it appears once it sends
          its first event or the catalog module pushes it.
        </Typography>
      </Box>
    );
  else {
    const o = overview.value;
    body = (
      <Box data-testid="ballast-overview">
        <OwnerSection entity={entity} />
        <OnCallSection catalog={o.catalog} now={now} />
        <SlosSection slos={o.slos} />
        <StabilizeSection
          service={service}
          environment={environment}
          status={o.stabilize}
          canAct={o.me.allowed[ballastStabilizeRequestPermission.name] === true}
          canApprove={o.me.allowed[ballastStabilizeApprovePermission.name] === true}
          now={now}
          onChanged={reload}
        />
        <RunbooksSection runbooks={o.runbooks} entity={entity} />
        <ChangesSection changes={o.changes} now={now} />
      </Box>
    );
  }
  return (
    <InfoCard title="Reliability" subheader={`Ballast service ${service}${environment ? ` · ${environment}` : ''}`}>
      <div data-testid="ballast-card">{body}</div>
    </InfoCard>
  );
}
