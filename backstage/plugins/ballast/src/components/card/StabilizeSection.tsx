/**
 * Stabilize for the entity's environment: the state, a countdown while active, and its controls for
 * people the Backstage policy allows: enter, extend and exit (`ballast.stabilize.request`); approve or
 * turn down a request or an extension waiting for a second person (`ballast.stabilize.approve`).
 * Ballast still decides: its refusal (a second approver needed, one's own request, a TTL too long, …)
 * is shown as it said it.
 */
import React, { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, TextField, Typography } from '@material-ui/core';
import type { Stabilize } from '@ballast/contract';
import { ballastApiRef, type StabilizeScopeStatus } from '../../api/BallastApi';
import { countdown, relative } from '../format';
import { Empty, Section } from './Section';

const OPEN = ['requested', 'active', 'exiting'];

const name = (actor: Stabilize['requestedBy']): string => actor.name ?? actor.id;

function StateLine(props: { stabilize: Stabilize | null; now: number }) {
  const s = props.stabilize;
  if (!s || !OPEN.includes(s.state)) return <Typography variant="body2">Running normally.</Typography>;
  if (s.state === 'requested')
    return (
      <Typography variant="body2">
        Requested by {name(s.requestedBy)} {relative(s.requestedAt, props.now)} ({s.reason}), waiting for a second
        person to approve.
      </Typography>
    );
  if (s.state === 'exiting')
    return <Typography variant="body2">Exiting: waiting for every actuator to undo its change.</Typography>;
  const extension = s.pendingExtension;
  return (
    <>
      <Typography variant="body2">
        <strong>Stabilizing</strong> since {relative(s.activatedAt ?? s.requestedAt, props.now)} ({s.reason}
        {s.requestedBy ? `, ${name(s.requestedBy)}` : ''}).{' '}
        {s.expiresAt && (
          <span data-testid="ballast-countdown">
            Ends in {countdown(s.expiresAt, props.now)}
            {s.enforceFrom && Date.parse(s.enforceFrom) > props.now ? ' (observing only for now)' : ''}.
          </span>
        )}
      </Typography>
      {extension && (
        <Typography variant="body2" data-testid="ballast-pending-extension">
          {name(extension.requestedBy)} asks for {extension.minutes} more minutes ({extension.reason}), waiting for a
          second person to approve.
        </Typography>
      )}
    </>
  );
}

/** A whole number of minutes (a TTL, an extension), labelled for reading and for assistive tech alike. */
function MinutesField(props: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <TextField
      label={props.label}
      size="small"
      type="number"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      inputProps={{ 'aria-label': props.label, min: 1 }}
      style={{ width: 120 }}
    />
  );
}

type Action = 'enter' | 'exit' | 'extend' | 'approve' | 'reject';

export function StabilizeSection(props: {
  service: string;
  environment?: string;
  status: StabilizeScopeStatus | null;
  /** `ballast.stabilize.request`: enter, extend, exit. */
  canAct: boolean;
  /** `ballast.stabilize.approve`: approve or turn down what waits for a second person. */
  canApprove: boolean;
  now: number;
  onChanged: () => void;
}) {
  const api = useApi(ballastApiRef);
  const [reason, setReason] = useState('');
  const [ttl, setTtl] = useState('60');
  const [minutes, setMinutes] = useState('30');
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
  const active = open && stabilize.state === 'active';
  const requested = open && stabilize.state === 'requested';
  // What waits for a second person: the request itself, or an extension of an active stabilize.
  const waiting = requested || (active && !!stabilize.pendingExtension);
  const canExit = open && stabilize.state !== 'exiting';
  const showRequester = props.canAct && (open ? canExit : true);
  const showApprover = props.canApprove && waiting;

  async function act(action: Action) {
    setBusy(true);
    setRefusal(undefined);
    try {
      if (action === 'enter')
        await api.enterStabilize(props.service, environment, {
          reason,
          ttlMinutes: ttl.trim() ? Number(ttl) : undefined,
        });
      else if (action === 'exit') await api.exitStabilize(props.service, environment, { reason });
      else if (action === 'extend')
        await api.extendStabilize(props.service, environment, { minutes: Number(minutes), reason });
      else if (action === 'approve')
        await api.approveStabilize(stabilize!.id, reason.trim() ? { comment: reason } : {});
      else await api.rejectStabilize(stabilize!.id, { reason });
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
      {(showRequester || showApprover) && (
        <Box
          component="form"
          display="flex"
          flexWrap="wrap"
          alignItems="flex-end"
          mt={1}
          style={{ gap: 8 }}
          onSubmit={(e: React.FormEvent) => {
            e.preventDefault();
            if (showRequester) void act(open ? 'exit' : 'enter');
            else void act('approve');
          }}
        >
          <TextField
            label={showRequester ? 'Reason' : 'Reason or comment'}
            size="small"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            inputProps={{ 'aria-label': 'Reason' }}
          />
          {showRequester && !open && <MinutesField label="TTL (minutes)" value={ttl} onChange={setTtl} />}
          {showRequester && active && !stabilize.pendingExtension && (
            <>
              <MinutesField label="More minutes" value={minutes} onChange={setMinutes} />
              <Button type="button" variant="outlined" disabled={busy} onClick={() => void act('extend')}>
                Extend
              </Button>
            </>
          )}
          {showApprover && (
            <>
              <Button
                type={showRequester ? 'button' : 'submit'}
                variant="outlined"
                color="primary"
                disabled={busy}
                onClick={showRequester ? () => void act('approve') : undefined}
              >
                {requested ? 'Approve' : 'Approve extension'}
              </Button>
              <Button type="button" variant="outlined" disabled={busy} onClick={() => void act('reject')}>
                {requested ? 'Turn down' : 'Turn down extension'}
              </Button>
            </>
          )}
          {showRequester && (
            <Button type="submit" variant="outlined" color={open ? 'default' : 'secondary'} disabled={busy}>
              {open ? (requested ? 'Withdraw request' : 'Exit stabilize') : 'Enter stabilize'}
            </Button>
          )}
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
