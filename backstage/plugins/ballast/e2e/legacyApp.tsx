/** A legacy-frontend-system app, as `@backstage/create-app` makes one, whose EntityPage has the Ballast card and tab. */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { Navigate, Route } from 'react-router-dom';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { CatalogEntityPage, CatalogIndexPage, catalogPlugin, EntityLayout } from '@backstage/plugin-catalog';
import { Grid } from '@material-ui/core';
import {
  ballastPlugin,
  BallastRunbookPage,
  EntityBallastCard,
  EntityBallastContent,
} from '@ballast/backstage-plugin-ballast';
import { appConfigs } from './appConfig';

const entityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        <Grid item md={6}>
          <EntityBallastCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
    <EntityLayout.Route path="/ballast" title="Reliability">
      <EntityBallastContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const app = createApp({
  plugins: [catalogPlugin, ballastPlugin],
  configLoader: async () => appConfigs(),
});

const App = app.createRoot(
  <AppRouter>
    <FlatRoutes>
      <Route path="/" element={<Navigate to="catalog" />} />
      <Route path="/catalog" element={<CatalogIndexPage />} />
      <Route path="/ballast/runbooks" element={<BallastRunbookPage />} />
      <Route path="/catalog/:namespace/:kind/:name" element={<CatalogEntityPage />}>
        {entityPage}
      </Route>
    </FlatRoutes>
  </AppRouter>,
);

createRoot(document.getElementById('root')!).render(<App />);
