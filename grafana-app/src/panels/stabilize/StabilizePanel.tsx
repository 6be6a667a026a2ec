// Stabilize for one service on an existing dashboard: its state with the countdown, and enter / exit
// (and approve, extend) with a confirmation and a reason, through the app's proxy routes.
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { Alert, useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';
import { APP_API_BASE, APP_ID, ballastApi, type BallastApi } from '../../api/ballast';
import { currentUser, type UserAbilities } from '../../api/permissions';
import { ScopeCard } from '../../components/stabilize/ScopeCard';

export interface StabilizePanelOptions {
  service?: string;
  environment?: string;
}

type Props = PanelProps<StabilizePanelOptions> & { api?: BallastApi; user?: UserAbilities };

const single = (v?: string) => (v && !v.includes(',') && !v.startsWith('$') ? v.trim() : undefined);

export function StabilizePanel({ options, width, height, replaceVariables, api: given, user: givenUser }: Props) {
  const s = useStyles2(getStyles);
  const api = useMemo(() => given ?? ballastApi(APP_API_BASE), [given]);
  const user = useMemo(() => givenUser ?? currentUser(), [givenUser]);
  const r = (v?: string) => (v ? (replaceVariables?.(v) ?? getTemplateSrv().replace(v)) : v);
  const service = single(r(options.service));
  const environment = single(r(options.environment)) ?? 'production';
  return (
    <div className={s.panel} style={{ width, height }} data-testid="ballast-stabilize-panel">
      {service ? (
        <ScopeCard
          key={`${service}/${environment}`}
          api={api}
          service={service}
          environment={environment}
          user={user}
          compact
        />
      ) : (
        <Alert severity="info" title="Pick one service">
          Set the panel&apos;s service (or a single-value $service variable) and its environment.
        </Alert>
      )}
      <a
        className={s.more}
        href={`/a/${APP_ID}/stabilize?${new URLSearchParams(service ? { service, environment } : {})}`}
      >
        Open the Stabilize page
      </a>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', overflow: 'auto' }),
  more: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.link, marginTop: 'auto' }),
});
