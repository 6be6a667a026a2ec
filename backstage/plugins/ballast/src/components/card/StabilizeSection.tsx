/**
 * Stabilize for the entity's environment: the state, a countdown while active, and enter/exit for
 * people the Backstage policy allows (`ballast.stabilize.request`). Ballast still decides: its refusal
 * (a second approver needed, a TTL too long, …) is shown as it said it.
 */
import React, { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, TextField, Typography } from '@material-ui/core';
import type { Stabilize } from '@ballast/contract';
import { ballastApiRef, type StabilizeScopeStatus } from '../../api/BallastApi';
import { countdown, relative } from '../format';
import { Empty, Section } from './Section';

const OPEN = ['requested', 'active', 'exiting'];

function who(s: Stabilize): string {
  return s.requestedBy.name ?? s.requestedBy.id;
}

function StateLine(props: { stabilize: Stabilize | null; now: number }) {
  const s = props.stabilize;
  if (!s || !OPEN.includes(s.state)) return <Typography variant="body2">Running normally.</Typography>;
  if (s.state === 'requested')
    return (
      <Typography variant="body2">
        Requested by {who(s)} {relative(s.requestedAt, props.now)}, waiting for a second person to approve.
      </Typography>
    );
  if (s.state === 'exiting')
    return <Typography variant="body2">Exiting: waiting for every actuator to undo its change.</Typography>;
  return (
    <Typography variant="body2">
      <strong>Stabilizing</strong> since {relative(s.activatedAt ?? s.requestedAt, props.now)} ({s.reason}
      {s.requestedBy ? `, ${who(s)}` : ''}).{' '}
      {s.expiresAt && (
        <span data-testid="ballast-countdown">
          Ends in {countdown(s.expiresAt, props.now)}
          {s.enforceFrom && Date.parse(s.enforceFrom) > props.now ? ' (observing only for now)' : ''}.
        </span>
      )}
    </Typography>
  );
}

export function StabilizeSection(props: {
  service: string;
  environment?: string;
  status: StabilizeScopeStatus | null;
  canAct: boolean;
  now: number;
  onChanged: () => void;
}) {
  const api = useApi(ballastApiRef);
  const [reason, setReason] = useState('');
  const [ttl, setTtl] = useState('60');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const title = props.environment ? `Stabilize (${props.environment})` : 'Stabilize';

  if (!props.environment || !props.status)
    return (
      <Section title={title} testId="ballast-stabilize">
        <Empty>Set the ballast.dev/environment annotation to see and act on stabilize here.</Empty>
      </Section>
    );
  const environment = props.environment;
  const stabilize = props.status.stabilize;
  const open = !!stabilize && OPEN.includes(stabilize.state);
  const canExit = open && stabilize.state !== 'exiting';

  async function act(action: 'enter' | 'exit') {
    setBusy(true);
    setRefusal(undefined);
    try {
      if (action === 'enter')
        await api.enterStabilize(props.service, environment, {
          reason,
          ttlMinutes: ttl.trim() ? Number(ttl) : undefined,
        });
      else await api.exitStabilize(props.service, environment, { reason });
      setReason('');
      props.onChanged();
    } catch (err) {
      setRefusal(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={title} testId="ballast-stabilize">
      <StateLine stabilize={stabilize} now={props.now} />
      {!open && props.status.suggestion?.action === 'enter' && (
        <Typography variant="body2" color="secondary">
          Ballast suggests entering: {props.status.suggestion.reason}
        </Typography>
      )}
      {props.canAct && (open ? canExit : true) && (
        <Box
          component="form"
          display="flex"
          flexWrap="wrap"
          alignItems="flex-end"
          mt={1}
          style={{ gap: 8 }}
          onSubmit={(e: React.FormEvent) => {
            e.preventDefault();
            void act(open ? 'exit' : 'enter');
          }}
        >
          <TextField
            label="Reason"
            size="small"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            inputProps={{ 'aria-label': 'Reason' }}
          />
          {!open && (
            <TextField
              label="TTL (minutes)"
              size="small"
              type="number"
              value={ttl}
              onChange={(e) => setTtl(e.target.value)}
              inputProps={{ 'aria-label': 'TTL (minutes)', min: 1 }}
              style={{ width: 120 }}
            />
          )}
          <Button type="submit" variant="outlined" color={open ? 'default' : 'secondary'} disabled={busy}>
            {open ? (stabilize.state === 'requested' ? 'Withdraw request' : 'Exit stabilize') : 'Enter stabilize'}
          </Button>
        </Box>
      )}
      {refusal && (
        <Typography role="alert" variant="body2" color="error">
          {refusal}
        </Typography>
      )}
    </Section>
  );
}
