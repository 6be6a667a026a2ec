/**
 * Sample Unleash webhook deliveries with no body template, so the body is the Unleash event as
 * described in "Webhook" (https://docs.getunleash.io/reference/integrations/webhook) and "Events"
 * (https://docs.getunleash.io/reference/events): id, type, createdBy, createdAt, data, preData, tags,
 * featureName, project, environment.
 */
const tags = [
  { type: 'simple', value: 'checkout-redesign' },
  { type: 'service', value: 'checkout' },
];
const base = {
  createdBy: 'alice@acme.example',
  createdByUserId: 7,
  featureName: 'new-checkout-flow',
  project: 'web',
  tags,
};

export const environmentEnabled = {
  ...base,
  id: 4311,
  type: 'feature-environment-enabled',
  createdAt: '2026-11-20T09:59:10.512Z',
  environment: 'production',
  data: null,
  preData: null,
};

export const environmentDisabled = {
  ...base,
  id: 4318,
  type: 'feature-environment-disabled',
  createdAt: '2026-11-20T10:06:40.000Z',
  environment: 'production',
  data: null,
  preData: null,
};

export const strategyUpdated = {
  ...base,
  id: 4312,
  type: 'feature-strategy-update',
  createdAt: '2026-11-20T10:00:02.000Z',
  environment: 'production',
  data: {
    id: '5c1a2e6d-0b7e-4b7f-9b8e-1a2b3c4d5e6f',
    name: 'flexibleRollout',
    title: '',
    disabled: false,
    parameters: { groupId: 'new-checkout-flow', rollout: '25', stickiness: 'default' },
    constraints: [{ contextName: 'region', operator: 'IN', values: ['eu-west-1'], caseInsensitive: false }],
    segments: [],
  },
  preData: {
    id: '5c1a2e6d-0b7e-4b7f-9b8e-1a2b3c4d5e6f',
    name: 'flexibleRollout',
    parameters: { groupId: 'new-checkout-flow', rollout: '5', stickiness: 'default' },
    constraints: [],
  },
};

export const strategyRemoved = {
  ...base,
  id: 4313,
  type: 'feature-strategy-remove',
  createdAt: '2026-11-20T10:00:30.000Z',
  environment: 'staging',
  data: null,
  preData: { id: 's-2', name: 'userWithId', parameters: { userIds: 'a,b' }, constraints: [] },
};

/** An environment-less event: the flag itself is archived, by the system user. */
export const archived = {
  id: 4320,
  type: 'feature-archived',
  createdBy: 'unleash_system_user',
  createdByUserId: -1337,
  createdAt: '2026-11-20T10:30:00.000Z',
  featureName: 'old-banner',
  project: 'web',
  environment: null,
  data: null,
  preData: null,
  tags: [],
};

export const metadataUpdated = {
  ...base,
  id: 4321,
  type: 'feature-metadata-updated',
  createdAt: '2026-11-20T10:31:00.000Z',
  environment: null,
  data: {
    name: 'new-checkout-flow',
    description: 'Rollout of the new checkout',
    type: 'release',
    impressionData: false,
  },
  preData: { name: 'new-checkout-flow', description: '', type: 'release', impressionData: false },
};

/** Not a flag change. */
export const projectCreated = {
  id: 4400,
  type: 'project-created',
  createdBy: 'admin',
  createdAt: '2026-11-20T11:00:00.000Z',
  project: 'mobile',
  data: { id: 'mobile', name: 'Mobile' },
  tags: [],
};
