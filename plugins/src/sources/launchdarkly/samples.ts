/**
 * Sample LaunchDarkly webhook deliveries. The payload is an audit-log entry, shaped after "Webhooks"
 * (https://launchdarkly.com/docs/api/webhooks: "Designating the payload") and "Get audit log entry"
 * (https://launchdarkly.com/docs/api/audit-log/get-audit-log-entry), trimmed to the fields a receiver
 * reads plus some it ignores.
 */
const member = {
  _links: {
    parent: { href: '/api/v2/members', type: 'application/json' },
    self: { href: '/api/v2/members/548f6741c1efad40031b18ae', type: 'application/json' },
  },
  _id: '548f6741c1efad40031b18ae',
  email: 'reese@example.com',
  firstName: 'Reese',
  lastName: 'Applebaum',
};

const links = {
  canonical: { href: '/api/v2/flags/checkout/new-address-form', type: 'application/json' },
  parent: { href: '/api/v2/auditlog', type: 'application/json' },
  self: { href: '/api/v2/auditlog/6740b2c19f1e2a0f4c7d1a01', type: 'application/json' },
  site: { href: '/checkout/production/features/new-address-form', type: 'text/html' },
};

const envState = (key: string, name: string, on: boolean, version: number) => ({
  on,
  archived: false,
  salt: '7495d3dcf72f43aaa075012fad947d0d',
  sel: '61b4861e6ed54135bc244bb120e9e2da',
  lastModified: 1795169400000,
  version,
  targets: [],
  contextTargets: [],
  rules: [],
  fallthrough: { variation: 0 },
  offVariation: 1,
  prerequisites: [],
  _site: { href: `/checkout/${key}/features/new-address-form`, type: 'text/html' },
  _environmentName: name,
  trackEvents: false,
  trackEventsFallthrough: false,
});

const flag = (productionOn: boolean, version: number, archived = false) => ({
  name: 'New address form',
  kind: 'boolean',
  description: 'Single-page address form with postcode lookup',
  key: 'new-address-form',
  _version: version,
  creationDate: 1795160000000,
  variations: [
    { _id: 'd883033e-fa8b-41d4-a4be-112d9a59278e', value: true, name: 'on' },
    { _id: '73aaa33f-c9ca-4bdc-8c97-01a20567aa3f', value: false, name: 'off' },
  ],
  temporary: true,
  tags: ['checkout'],
  archived,
  deprecated: false,
  defaults: { onVariation: 0, offVariation: 1 },
  environments: {
    production: envState('production', 'Production', productionOn, version),
    staging: envState('staging', 'Staging', true, 3),
  },
});

const target = {
  _links: {
    canonical: { href: '/api/v2/flags/checkout/new-address-form', type: 'application/json' },
    site: { href: '/checkout/production/features/new-address-form', type: 'text/html' },
  },
  name: 'New address form',
  resources: ['proj/checkout:env/production:flag/new-address-form'],
};

const entry = (id: string, date: number, action: string, titleVerb: string, description: string) => ({
  _links: links,
  _id: id,
  _accountId: '5f8a1c0d9e2b4a0011c3d4e5',
  date,
  accesses: [{ action, resource: 'proj/checkout:env/production:flag/new-address-form' }],
  kind: 'flag',
  name: 'New address form',
  description,
  shortDescription: '',
  comment: '',
  member,
  titleVerb,
  title: `[Reese Applebaum](mailto:reese@example.com) ${titleVerb} [New address form](https://app.launchdarkly.com/checkout/production/features/new-address-form) in \`Production\``,
  target,
});

/** 2026-11-20T10:00:00Z: the flag turned on in production. */
export const turnedOn = {
  ...entry('6740b2c19f1e2a0f4c7d1a01', 1795168800000, 'updateOn', 'turned on the flag', '- Turned the flag on'),
  previousVersion: flag(false, 7),
  currentVersion: flag(true, 8),
};

/** 2026-11-20T10:20:00Z: and off again. */
export const turnedOff = {
  ...entry('6740b7719f1e2a0f4c7d1a02', 1795170000000, 'updateOn', 'turned off the flag', '- Turned the flag off'),
  comment: 'Address form crashes on empty postcode (CHECKOUT-9)',
  previousVersion: flag(true, 8),
  currentVersion: flag(false, 9),
};

export const rulesChanged = {
  ...entry(
    '6740b8009f1e2a0f4c7d1a03',
    1795170300000,
    'updateRules',
    'updated the rules of',
    '- Added a rule: `country` is one of `DE`, `AT` → serve `on`',
  ),
  previousVersion: flag(false, 9),
  currentVersion: flag(false, 10),
};

export const created = {
  ...entry('6740a0009f1e2a0f4c7d1a00', 1795160000000, 'createFlag', 'created the flag', 'flag was created'),
  target: { ...target, resources: [...target.resources, 'proj/checkout:env/staging:flag/new-address-form'] },
  currentVersion: flag(false, 1),
};

export const archived = {
  ...entry(
    '6740c0009f1e2a0f4c7d1a04',
    1795200000000,
    'updateGlobalArchived',
    'archived the flag',
    '- Archived the flag',
  ),
  accesses: [{ action: 'updateGlobalArchived', resource: 'proj/checkout:env/*:flag/new-address-form' }],
  previousVersion: flag(false, 10),
  currentVersion: flag(false, 11, true),
};

/** Not a flag: an environment renamed (the sample on the Webhooks API page). */
export const environmentRenamed = {
  _links: {
    canonical: { href: '/api/v2/projects/checkout/environments/test', type: 'application/json' },
    self: { href: '/api/v2/auditlog/57c0a8e29969090743529965', type: 'application/json' },
  },
  _id: '57c0a8e29969090743529965',
  date: 1795168000000,
  accesses: [{ action: 'updateName', resource: 'proj/checkout:env/test' }],
  kind: 'environment',
  name: 'Testing',
  description: '- Changed the name from ~~Test~~ to *Testing*',
  member,
  titleVerb: 'changed the name of',
  target: { name: 'Testing', resources: ['proj/checkout:env/test'] },
};
