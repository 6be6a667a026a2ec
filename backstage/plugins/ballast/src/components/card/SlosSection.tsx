import React from 'react';
import { Box, LinearProgress, Tooltip, Typography } from '@material-ui/core';
import type { SloStatus } from '@ballast/contract';
import type { ServiceSlos } from '../../api/BallastApi';
import { burn, percent } from '../format';
import { Empty, Section } from './Section';

/** The burn rate shown beside the budget: the 1h window's when the SLO has one, else its shortest. */
export function headlineBurn(status: SloStatus): { window: string; rate: number } | undefined {
  const windows = status.windows.filter((w) => w.window !== 'period' && w.burnRate.value !== null);
  const w = windows.find((x) => x.window === '1h') ?? windows[0];
  return w ? { window: w.window, rate: w.burnRate.value as number } : undefined;
}

/** `firing` when a burn-rate tier fires, `burning` above 1×, `ok` otherwise, `unknown` without traffic. */
export function burnLevel(status: SloStatus): 'firing' | 'burning' | 'ok' | 'unknown' {
  if (status.tiers.some((t) => t.firing)) return 'firing';
  const b = headlineBurn(status);
  if (!b) return 'unknown';
  return b.rate > 1 ? 'burning' : 'ok';
}

const COLOR = { firing: '#d32f2f', burning: '#ed6c02', ok: '#2e7d32', unknown: '#9e9e9e' };

function BurnIndicator(props: { status: SloStatus }) {
  const level = burnLevel(props.status);
  const b = headlineBurn(props.status);
  const label = b ? `burn ${burn(b.rate)} (${b.window})` : 'no traffic';
  return (
    <Tooltip title={`${level}: ${label}`}>
      <Box display="inline-flex" alignItems="center" data-testid="ballast-burn" data-level={level}>
        <Box
          component="span"
          width={10}
          height={10}
          mr={0.5}
          borderRadius="50%"
          style={{ background: COLOR[level] }}
          aria-hidden
        />
        <Typography variant="caption">{label}</Typography>
      </Box>
    </Tooltip>
  );
}

/** Error budget remaining per SLO, with how fast it burns now. */
export function SlosSection(props: { slos: ServiceSlos }) {
  const { statuses, slos } = props.slos;
  return (
    <Section title="SLOs" testId="ballast-slos">
      {slos.length === 0 ? (
        <Empty>No SLOs for this service.</Empty>
      ) : (
        statuses.map((s) => {
          const remaining = s.budgetRemaining.value;
          return (
            <Box key={s.slo.id} mb={1} data-testid="ballast-slo">
              <Box display="flex" justifyContent="space-between" alignItems="baseline">
                <Typography variant="body2">
                  {s.slo.name} <Typography variant="caption">({percent(s.slo.objective, 2)})</Typography>
                </Typography>
                <BurnIndicator status={s} />
              </Box>
              <LinearProgress
                variant="determinate"
                value={remaining === null ? 0 : Math.max(0, Math.min(100, remaining * 100))}
                color={s.exhausted ? 'secondary' : 'primary'}
                aria-label={`${s.slo.name} budget remaining`}
              />
              <Typography variant="caption" color="textSecondary">
                {remaining === null
                  ? 'budget unknown (no traffic yet)'
                  : `${percent(remaining)} of the error budget left${s.exhausted ? ' (exhausted)' : ''}`}{' '}
                · {s.period.description}
              </Typography>
            </Box>
          );
        })
      )}
    </Section>
  );
}
