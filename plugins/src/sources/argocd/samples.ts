/**
 * Sample Argo CD notifications: what `template.ballast-sync` in
 * provisioning/argocd/argocd-notifications-cm.yaml renders for an Application
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/commands/argocd_admin_notifications_template_notify/
 * shows a template's rendering), for a sync that starts, then succeeds, and one that fails.
 * Missing fields render as `dig`'s defaults: "" and false.
 */
const app = {
  schema: 'ballast.argocd.v1',
  app: 'checkout-prod',
  appNamespace: 'argocd',
  project: 'payments',
  labels: { service: 'checkout', env: 'production', 'app.kubernetes.io/part-of': 'shop' },
  syncStatus: 'OutOfSync',
  health: 'Progressing',
  repoURL: 'https://github.com/acme/deploy.git',
  targetRevision: 'main',
  destination: { server: 'https://kubernetes.default.svc', name: '', namespace: 'checkout' },
  initiatedBy: '',
  automated: true,
  url: 'https://argocd.example.com/applications/argocd/checkout-prod',
};

export const running = {
  ...app,
  phase: 'Running',
  message: '',
  startedAt: '2026-11-20T09:58:20Z',
  finishedAt: '',
  revision: '9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
};

export const succeeded = {
  ...running,
  phase: 'Succeeded',
  message: 'successfully synced (all tasks run)',
  finishedAt: '2026-11-20T10:00:05Z',
  syncStatus: 'Synced',
  health: 'Healthy',
};

/** A manual sync of a Helm chart (its revision is a chart version) that fails. */
export const failed = {
  ...app,
  app: 'payments-staging',
  labels: {},
  project: 'payments',
  repoURL: 'https://charts.example.com',
  targetRevision: '2.4.*',
  destination: { server: '', name: 'staging-eu', namespace: 'payments' },
  initiatedBy: 'alice@acme.example',
  automated: false,
  url: 'https://argocd.example.com/applications/argocd/payments-staging',
  phase: 'Failed',
  message: 'one or more objects failed to apply, reason: Deployment.apps "payments" is invalid: spec.replicas: "-1"',
  startedAt: '2026-11-20T10:12:00Z',
  finishedAt: '2026-11-20T10:12:31Z',
  revision: '2.4.1',
  syncStatus: 'OutOfSync',
  health: 'Degraded',
};
