// One scope (service, environment): its stabilize state with a countdown, the server's suggestion, and
// the actions its state allows (enter, approve, reject, extend, exit), each confirmed with a reason.
// Buttons are offered to users whose Grafana role passes the app's acting routes; the server decides.
import type { Stabilize } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, Field, Input, LoadingPlaceholder, Stack, TextArea, useStyles2 } from '@grafana/ui';
import { useCallback, useEffect, useState } from 'react';
import { BallastRequestError, type BallastApi, type ScopeStatus } from '../../api/ballast';
import type { UserAbilities } from '../../api/permissions';
import { formatDuration, useNow } from '../time';
import { EnterForm } from './EnterForm';
import { actorName, refusalTitle, scopeView, type ScopeAction } from './scopeView';

interface Props {
  api: BallastApi;
  service: string;
  environment: string;
  user: UserAbilities;
  compact?: boolean;
  /** Re-read the scope this often (others act too); 0 turns it off. */
  refreshMs?: number;
  onChanged?: (s: Stabilize) => void;
}

type Load = { state: 'loading' } | { state: 'done'; scope: ScopeStatus } | { state: 'error'; error: Error };
type Pending = Exclude<ScopeAction, 'enter' | 'approve'> | 'approve' | null;

const BADGE = { ok: 'green', info: 'blue', warning: 'orange', error: 'red' } as const;

export function ScopeCard({ api, service, environment, user, compact, refreshMs = 15_000, onChanged }: Props) {
  const s = useStyles2(getStyles);
  const now = useNow();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [entering, setEntering] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('30');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<Error | null>(null);
  const [rev, setRev] = useState(0);
  const reload = useCallback(() => setRev((r) => r + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    api.scope(service, environment, ac.signal).then(
      (scope) => !ac.signal.aborted && setLoad({ state: 'done', scope }),
      (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
    );
    const t = refreshMs > 0 ? setInterval(reload, refreshMs) : undefined;
    return () => {
      ac.abort();
      clearInterval(t);
    };
  }, [api, service, environment, rev, refreshMs, reload]);

  if (load.state === 'loading') return <LoadingPlaceholder text={`Loading ${service} in ${environment}…`} />;
  if (load.state === 'error')
    return (
      <Alert severity="error" title={`Could not read ${service} in ${environment}`}>
        {load.error.message}
      </Alert>
    );
  const { stabilize, policy, suggestion } = load.scope;
  const view = scopeView(stabilize, policy, now);

  const done = (st: Stabilize) => {
    setPending(null);
    setEntering(false);
    setReason('');
    setRefused(null);
    onChanged?.(st);
    reload();
  };
  const act = async (fn: () => Promise<Stabilize>) => {
    setBusy(true);
    setRefused(null);
    try {
      done(await fn());
    } catch (err) {
      setRefused(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const confirm = () => {
    if (!stabilize) return;
    const why = reason.trim();
    if (pending === 'approve') return act(() => api.approve(stabilize.id, why || undefined));
    if (pending === 'reject') return act(() => api.reject(stabilize.id, why));
    if (pending === 'extend') return act(() => api.extend(service, environment, Number(minutes), why));
    if (pending === 'exit') return act(() => api.exit(service, environment, why));
  };
  const LABEL: Record<ScopeAction, string> = {
    enter: 'Enter stabilize…',
    approve: stabilize?.pendingExtension ? 'Approve extension…' : 'Approve…',
    reject: 'Reject…',
    extend: 'Extend…',
    exit: stabilize?.state === 'requested' ? 'Withdraw…' : 'Exit…',
  };
  const id = (f: string) => `scope-${service}-${environment}-${f}`;

  return (
    <section className={s.card} aria-label={`Stabilize ${service} in ${environment}`} data-testid="scope-card">
      <header className={s.header}>
        <strong>
          {service} · {environment}
        </strong>
        <Badge color={BADGE[view.tone]} text={view.headline} data-testid="scope-state" />
        {view.countdown && (
          <span className={s.countdown} data-testid="scope-countdown">
            {view.countdown.label} {formatDuration(view.countdown.until - now)}
          </span>
        )}
      </header>
      {stabilize && stabilize.state !== 'ended' && stabilize.state !== 'expired' && stabilize.state !== 'rejected' && (
        <dl className={s.fields}>
          <dt>Reason</dt>
          <dd>{stabilize.reason}</dd>
          <dt>Asked by</dt>
          <dd>
            {actorName(stabilize.requestedBy)} at {new Date(stabilize.requestedAt).toLocaleTimeString()}
            {stabilize.approvedBy ? ` · approved by ${actorName(stabilize.approvedBy)}` : ''}
          </dd>
          {stabilize.incident && (
            <>
              <dt>Incident</dt>
              <dd>
                {/^https?:\/\//.test(stabilize.incident) ? (
                  <a href={stabilize.incident} target="_blank" rel="noreferrer" className={s.link}>
                    {stabilize.incident}
                  </a>
                ) : (
                  stabilize.incident
                )}
              </dd>
            </>
          )}
          {!compact && (
            <>
              <dt>Policy</dt>
              <dd>
                {policy.mode}
                {policy.profileVersion ? ` · profile v${policy.profileVersion}` : ' · no profile'}
                {policy.deployFreeze ? ' · deploys frozen' : ''}
                {policy.flags.length ? ` · flags off: ${policy.flags.join(', ')}` : ''}
              </dd>
            </>
          )}
        </dl>
      )}
      {suggestion && (
        <Alert
          severity={suggestion.action === 'enter' ? 'warning' : 'info'}
          title={suggestion.action === 'enter' ? 'Ballast suggests stabilizing' : 'Ballast suggests exiting'}
          data-testid="scope-suggestion"
        >
          {suggestion.reason}
        </Alert>
      )}
      {refused && (
        <Alert
          severity="error"
          title={refused instanceof BallastRequestError ? refusalTitle(refused.code) : 'Request failed'}
          data-testid="scope-refusal"
        >
          {refused.message}
        </Alert>
      )}
      {!user.act && view.actions.length > 0 && (
        <p className={s.muted}>Your Grafana role can read this scope; acting needs Editor.</p>
      )}
      {user.act && !entering && !pending && (
        <Stack direction="row" gap={1}>
          {view.actions.map((a) => (
            <Button
              key={a}
              size="sm"
              variant={a === 'enter' ? 'destructive' : a === 'approve' ? 'primary' : 'secondary'}
              onClick={() => {
                setRefused(null);
                if (a === 'enter') setEntering(true);
                else setPending(a);
              }}
            >
              {LABEL[a]}
            </Button>
          ))}
        </Stack>
      )}
      {entering && (
        <EnterForm
          api={api}
          service={service}
          environment={environment}
          onDone={done}
          onCancel={() => setEntering(false)}
        />
      )}
      {pending && (
        <div className={s.confirm} role="group" aria-label={`Confirm ${pending}`}>
          <Field
            label={pending === 'approve' ? 'Comment (optional)' : 'Reason'}
            description={pending === 'approve' ? undefined : 'Recorded on the timeline'}
          >
            <TextArea
              id={id('reason')}
              aria-label={pending === 'approve' ? 'Comment' : 'Reason'}
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            />
          </Field>
          {pending === 'extend' && (
            <Field label="Minutes to add">
              <Input
                id={id('minutes')}
                aria-label="Minutes to add"
                type="number"
                width={12}
                value={minutes}
                onChange={(e) => setMinutes(e.currentTarget.value)}
              />
            </Field>
          )}
          <Stack direction="row" gap={1}>
            <Button
              size="sm"
              variant={pending === 'approve' ? 'primary' : 'destructive'}
              onClick={confirm}
              disabled={busy || (pending !== 'approve' && reason.trim().length < 3)}
            >
              Confirm {pending === 'exit' && stabilize?.state === 'requested' ? 'withdraw' : pending}
            </Button>
            <Button size="sm" variant="secondary" fill="outline" onClick={() => setPending(null)}>
              Cancel
            </Button>
          </Stack>
        </div>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    marginBottom: theme.spacing(1),
  }),
  header: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    marginBottom: theme.spacing(1),
  }),
  countdown: css({ fontVariantNumeric: 'tabular-nums', color: theme.colors.text.secondary }),
  fields: css({
    display: 'grid',
    gridTemplateColumns: '90px 1fr',
    gap: theme.spacing(0.25, 1),
    margin: theme.spacing(0, 0, 1),
  }),
  link: css({ color: theme.colors.text.link }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  confirm: css({ marginTop: theme.spacing(1) }),
});
