// Entering stabilize: what the profile will change (against running normally), then a reason, a TTL
// and the incident, confirmed with one button that names the scope.
import type { Stabilize } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, LoadingPlaceholder, Stack, TextArea, useStyles2 } from '@grafana/ui';
import { useEffect, useState } from 'react';
import { BallastRequestError, type BallastApi, type ProfilePreview } from '../../api/ballast';
import { refusalTitle } from './scopeView';

interface Props {
  api: BallastApi;
  service: string;
  environment: string;
  onDone: (s: Stabilize) => void;
  onCancel: () => void;
}

type Load = { state: 'loading' } | { state: 'done'; preview: ProfilePreview } | { state: 'error'; error: Error };

export function EnterForm({ api, service, environment, onDone, onCancel }: Props) {
  const s = useStyles2(getStyles);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [reason, setReason] = useState('');
  const [ttl, setTtl] = useState('60');
  const [incident, setIncident] = useState('');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<Error | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    api.preview(service, environment, ac.signal).then(
      (preview) => !ac.signal.aborted && setLoad({ state: 'done', preview }),
      (error: Error) => !ac.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ac.abort();
  }, [api, service, environment]);

  const submit = async () => {
    setBusy(true);
    setRefused(null);
    try {
      const ttlMinutes = Number(ttl);
      onDone(
        await api.requestStabilize({
          service,
          environment,
          reason: reason.trim(),
          ...(Number.isInteger(ttlMinutes) && ttlMinutes > 0 ? { ttlMinutes } : {}),
          ...(incident.trim() ? { incident: incident.trim() } : {}),
          breakGlass: false,
        }),
      );
    } catch (err) {
      setRefused(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const id = (f: string) => `enter-${service}-${environment}-${f}`;
  return (
    <section className={s.form} aria-label={`Enter stabilize for ${service} in ${environment}`}>
      <h4>
        What stabilizing {service} in {environment} changes
      </h4>
      {load.state === 'loading' && <LoadingPlaceholder text="Loading the profile…" />}
      {load.state === 'error' && (
        <Alert severity="warning" title="Could not load the profile preview">
          {load.error.message}
        </Alert>
      )}
      {load.state === 'done' && (
        <>
          <p className={s.muted}>
            {load.preview.version === null
              ? 'No profile for this scope: entering only freezes deploys.'
              : `Profile version ${load.preview.version}.`}
          </p>
          {load.preview.changes.length > 0 && (
            <table className={s.diff} data-testid="profile-diff">
              <thead>
                <tr>
                  <th>setting</th>
                  <th>normally</th>
                  <th>stabilized</th>
                </tr>
              </thead>
              <tbody>
                {load.preview.changes.map((c) => (
                  <tr key={c.path}>
                    <td>{c.path}</td>
                    <td className={s.removed}>{c.normal}</td>
                    <td className={s.added}>{c.stabilized}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <Field label="Reason" description="Why, in a few words: it is on the timeline and in the notification">
        <TextArea
          id={id('reason')}
          aria-label="Reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          rows={2}
        />
      </Field>
      <Stack direction="row" gap={2}>
        <Field label="TTL (minutes)" description="It ends by itself then">
          <Input
            id={id('ttl')}
            aria-label="TTL (minutes)"
            type="number"
            min={1}
            width={12}
            value={ttl}
            onChange={(e) => setTtl(e.currentTarget.value)}
          />
        </Field>
        <Field label="Incident" description="Id or URL (optional)">
          <Input
            id={id('incident')}
            aria-label="Incident"
            width={40}
            value={incident}
            onChange={(e) => setIncident(e.currentTarget.value)}
          />
        </Field>
      </Stack>
      {refused && (
        <Alert
          severity="error"
          title={refused instanceof BallastRequestError ? refusalTitle(refused.code) : 'Request failed'}
        >
          {refused.message}
        </Alert>
      )}
      <Stack direction="row" gap={1}>
        <Button variant="destructive" icon="shield" onClick={submit} disabled={busy || reason.trim().length < 3}>
          Stabilize {service} in {environment}
        </Button>
        <Button variant="secondary" fill="outline" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    margin: theme.spacing(1, 0),
  }),
  muted: css({ color: theme.colors.text.secondary }),
  diff: css({
    width: '100%',
    marginBottom: theme.spacing(2),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': {
      padding: theme.spacing(0.25, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  removed: css({ color: theme.colors.text.secondary, textDecoration: 'line-through' }),
  added: css({ color: theme.colors.warning.text }),
});
