import React, { type ReactNode } from 'react';
import { Box, Typography } from '@material-ui/core';

/** One titled part of the card; `testId` lets tests and people find it. */
export function Section(props: { title: string; testId: string; children: ReactNode }) {
  return (
    <Box component="section" mb={2} data-testid={props.testId} aria-label={props.title}>
      <Typography variant="overline" component="h3" color="textSecondary">
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

export function Empty(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary">
      {props.children}
    </Typography>
  );
}
