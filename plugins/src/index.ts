import type { HookSource } from '@ballast/contract';
import type { SourcePlugin } from './source.js';
import { alertmanager } from './sources/alertmanager/index.js';
import { argocd } from './sources/argocd/index.js';
import { github } from './sources/github/index.js';
import { grafana } from './sources/grafana/index.js';
import { launchdarkly } from './sources/launchdarkly/index.js';
import { pagerduty } from './sources/pagerduty/index.js';
import { sentry } from './sources/sentry/index.js';
import { unleash } from './sources/unleash/index.js';

export * from './source.js';
export * from './oncall/index.js';
export * from './notify/index.js';
export * from './actuators/index.js';

/** Every webhook source the server serves at `/v1/hooks/{source}/{hookId}`. */
export const sourcePlugins: Partial<Record<HookSource, SourcePlugin>> = {
  github,
  sentry,
  pagerduty,
  launchdarkly,
  alertmanager,
  grafana,
  unleash,
  argocd,
};
