/**
 * The page a runbook link opens: `{app}/ballast/runbooks/{id}`, where the catalog module links each
 * runbook on its entities. The runbook is read through the backend plugin and shown as Ballast
 * rendered it (the server's sanitized HTML), with its services and review state.
 */
import React from 'react';
import { Route, Routes, useParams } from 'react-router-dom';
import { Content, Header, Page, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Chip, Paper, Typography } from '@material-ui/core';
import type { Runbook } from '@ballast/contract';
import { ballastApiRef } from '../../api/BallastApi';
import { BallastRequestError } from '../../api/BallastClient';
import { errorText } from '../card/BallastCard';
import { reviewState } from '../format';
import { useLoad } from '../useLoad';

function review(r: Runbook): string {
  const state = reviewState(r);
  return state.charAt(0).toUpperCase() + state.slice(1);
}

function RunbookView() {
  const { id = '' } = useParams();
  const api = useApi(ballastApiRef);
  const [runbook] = useLoad(() => api.getRunbook(id), [api, id]);
  const title = runbook.status === 'done' ? runbook.value.title : `Runbook ${id}`;
  let body: React.ReactNode;
  if (runbook.status === 'loading') body = <Progress />;
  else if (runbook.status === 'error')
    body = (
      <Typography role="alert" color="error" data-testid="ballast-runbook-error">
        {runbook.error instanceof BallastRequestError && runbook.error.status === 404
          ? `Ballast has no runbook "${id}". It may have been renamed or removed.`
          : errorText(runbook.error)}
      </Typography>
    );
  else {
    const r = runbook.value;
    body = (
      <Paper style={{ padding: 24 }} data-testid="ballast-runbook-page">
        <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 8 }} mb={2}>
          {r.services.map((s) => (
            <Chip key={s} size="small" label={s} />
          ))}
          <Typography variant="body2" color={r.stale ? 'error' : 'textSecondary'} data-testid="ballast-runbook-review">
            {review(r)}
          </Typography>
          {r.owner && (
            <Typography variant="body2" color="textSecondary">
              Owner: {r.owner}
            </Typography>
          )}
        </Box>
        {/* Rendered and sanitized by Ballast (markdown-it, then sanitize-html): no script, no handlers. */}
        <div data-testid="ballast-runbook-body" dangerouslySetInnerHTML={{ __html: r.html }} />
      </Paper>
    );
  }
  return (
    <Page themeId="tool">
      <Header title={title} subtitle="Runbook from Ballast" />
      <Content>{body}</Content>
    </Page>
  );
}

/** Mounted at `/ballast/runbooks`: each runbook at `/ballast/runbooks/{id}`. */
export function RunbookPage() {
  return (
    <Routes>
      <Route path=":id" element={<RunbookView />} />
      <Route
        path="*"
        element={
          <Page themeId="tool">
            <Header title="Runbooks" subtitle="Runbooks from Ballast" />
            <Content>
              <Typography>
                Open a runbook from a service&apos;s page: its card lists the service&apos;s runbooks.
              </Typography>
            </Content>
          </Page>
        }
      />
    </Routes>
  );
}
