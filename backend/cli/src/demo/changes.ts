/** Changes people make, as their tools report them: GitHub deployments, LaunchDarkly flags, config syncs. */
import { actor, SERVICES, type DemoService, type Person, type Story } from './story.js';

/** A GitHub deployment: started, then succeeded or failed. A success changes the running version. */
export function deploy(
  s: Story,
  d: {
    service: DemoService;
    at: number;
    minutes: number;
    version: string;
    pr: number;
    prTitle: string;
    by: Person;
    failure?: string;
    rollbackFrom?: string;
    incidentId?: string;
  },
) {
  const { repo } = SERVICES[d.service];
  const sha = s.hex(40);
  const runId = String(s.int(7_000_000_000, 7_999_999_999));
  const deploymentId = `gh-deploy-${s.int(1_000_000, 9_999_999)}`;
  const what = d.rollbackFrom
    ? `Rollback of ${d.service} from ${d.rollbackFrom} to ${d.version}`
    : `Deploy ${d.service} ${d.version} to production`;
  const common = {
    source: 'github' as const,
    kind: 'deploy' as const,
    service: d.service,
    description: `PR #${d.pr}: ${d.prTitle}`,
    sourceRefs: { repository: repo, workflow: 'deploy-production.yml', runId },
    links: [
      { rel: 'pull_request', url: `https://github.example.com/${repo}/pull/${d.pr}`, text: `#${d.pr} ${d.prTitle}` },
      { rel: 'commit', url: `https://github.example.com/${repo}/commit/${sha}` },
      {
        rel: 'workflow_run',
        url: `https://github.example.com/${repo}/actions/runs/${runId}`,
        text: 'deploy-production',
      },
    ],
    actor: actor('github', d.by),
    correlation: {
      commitSha: sha,
      release: `${d.service}@${d.version}`,
      deploymentId,
      ...(d.incidentId && { incidentId: d.incidentId }),
    },
  };
  const tags = { ...s.tags(d.service, { version: d.version }), ...(d.rollbackFrom && { rollback: 'true' }) };
  s.add(d.at, {
    ...common,
    status: 'started',
    severity: 'info',
    title: `${what} started`,
    tags,
    attributes: { ref: `refs/tags/v${d.version}` },
  });
  const end = d.at + d.minutes;
  const seconds = d.minutes * 60 + s.int(0, 59);
  if (d.failure) {
    s.add(end, {
      ...common,
      status: 'failed',
      severity: 'high',
      title: `${what} failed: ${d.failure}`,
      tags,
      attributes: { durationSeconds: seconds, failedStep: 'wait-for-rollout' },
    });
  } else {
    s.running[d.service] = d.version;
    s.add(end, {
      ...common,
      status: 'succeeded',
      severity: 'info',
      title: `${what} succeeded`,
      tags,
      attributes: { durationSeconds: seconds },
    });
  }
}

/** A LaunchDarkly flag change in the production environment. */
export function flagChange(
  s: Story,
  f: {
    service: DemoService;
    at: number;
    key: string;
    status: string;
    title: string;
    by: Person;
    rollout?: number;
    incidentId?: string;
  },
) {
  s.add(f.at, {
    source: 'launchdarkly',
    kind: 'flag_change',
    status: f.status,
    severity: f.status === 'disabled' ? 'warning' : 'info',
    service: f.service,
    title: f.title,
    sourceRefs: { project: 'acme', flag: f.key },
    links: [
      { rel: 'flag', url: `https://app.launchdarkly.example.com/acme/production/features/${f.key}`, text: f.key },
    ],
    actor: actor('launchdarkly', f.by),
    tags: s.tags(f.service),
    attributes: f.rollout === undefined ? {} : { rolloutPercent: f.rollout },
    correlation: { flagKey: f.key, ...(f.incidentId && { incidentId: f.incidentId }) },
  });
}

/** A configuration change, from Argo CD (GitOps) or a script posting to the API. */
export function configChange(
  s: Story,
  c: {
    service: DemoService;
    at: number;
    source: 'argocd' | 'api';
    title: string;
    change: Record<string, string>;
    by?: Person;
  },
) {
  const sha = s.hex(40);
  const links =
    c.source === 'argocd'
      ? [
          { rel: 'application', url: `https://argocd.example.com/applications/${c.service}-config` },
          { rel: 'commit', url: `https://github.example.com/acme/platform-config/commit/${sha}` },
        ]
      : [{ rel: 'change', url: `https://github.example.com/acme/platform-config/commit/${sha}` }];
  s.add(c.at, {
    source: c.source,
    kind: 'config_change',
    status: 'applied',
    severity: 'info',
    service: c.service,
    title: c.title,
    ...(c.source === 'argocd' && { sourceRefs: { application: `${c.service}-config` } }),
    links,
    ...(c.by && {
      actor: actor('github', c.by),
    }),
    tags: s.tags(c.service),
    attributes: { change: c.change },
    correlation: { commitSha: sha },
  });
}
