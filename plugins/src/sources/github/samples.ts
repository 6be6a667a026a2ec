/**
 * Sample GitHub deliveries, shaped after "Webhook events and payloads"
 * (https://docs.github.com/en/webhooks/webhook-events-and-payloads#deployment,
 * #deployment_status and #release), trimmed to the fields a receiver reads plus some it ignores.
 */
const repository = {
  id: 601,
  name: 'checkout',
  full_name: 'acme/checkout',
  html_url: 'https://github.com/acme/checkout',
  private: true,
  owner: { login: 'acme', type: 'Organization' },
};
const sender = { login: 'octo-dev', id: 41, type: 'User' };
const deployment = {
  url: 'https://api.github.com/repos/acme/checkout/deployments/145988',
  id: 145988,
  sha: '9f1c2e7d4b7a3e1f0c9d8b7a6f5e4d3c2b1a0f9e',
  ref: 'v5.2.1',
  task: 'deploy',
  environment: 'production',
  description: 'Deploy v5.2.1 via Actions',
  creator: { login: 'octo-dev', id: 41, type: 'User' },
  created_at: '2026-11-20T09:58:12Z',
  updated_at: '2026-11-20T09:58:12Z',
};

export const deploymentCreated = { deployment, repository, sender };

export const deploymentStatus = (state: string, createdAt: string) => ({
  deployment_status: {
    id: 9001 + createdAt.length,
    state,
    description: state === 'failure' ? 'Health check failed on 2 of 6 pods' : `Deployment ${state}`,
    environment: 'production',
    target_url: 'https://github.com/acme/checkout/actions/runs/7788',
    log_url: 'https://github.com/acme/checkout/actions/runs/7788/job/1',
    environment_url: 'https://checkout.example.com',
    created_at: createdAt,
    creator: { login: 'github-actions[bot]', id: 4120, type: 'Bot' },
  },
  deployment,
  repository,
  sender,
});

export const releasePublished = {
  action: 'published',
  release: {
    id: 77,
    tag_name: 'v5.2.1',
    target_commitish: 'main',
    name: 'Checkout 5.2.1',
    body: '## Fixes\n- Address form no longer crashes on empty postcode',
    draft: false,
    prerelease: false,
    html_url: 'https://github.com/acme/checkout/releases/tag/v5.2.1',
    author: { login: 'octo-dev', id: 41 },
    created_at: '2026-11-20T09:50:00Z',
    published_at: '2026-11-20T09:55:00Z',
  },
  repository,
  sender,
};

export const ping = { zen: 'Keep it logically awesome.', hook_id: 12, repository, sender };
